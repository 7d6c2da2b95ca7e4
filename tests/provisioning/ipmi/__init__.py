"""Tests of the ipmi provisioning module, against OpenIPMI's ipmi_sim BMC emulator."""

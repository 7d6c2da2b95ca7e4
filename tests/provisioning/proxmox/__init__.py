"""Tests of the proxmox provisioning module, against a simulator of the Proxmox VE API."""

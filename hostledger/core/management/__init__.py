"""HostLedger core management commands (run as ``hostledger <command>``)."""

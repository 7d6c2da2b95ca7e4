"""HostLedger: billing system and client control panel for hosting providers."""

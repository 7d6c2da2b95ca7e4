"""Notifications: templates, the outbox, channels, preferences and marketing opt-ins (NTF)."""

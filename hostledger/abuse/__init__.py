"""Abuse desk: complaints about clients' services, their evidence and the deadlines of the
terms (SPEC ABU-01 … ABU-03)."""

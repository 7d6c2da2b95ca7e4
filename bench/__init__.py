"""Benchmarks of HostLedger, run by hand; not part of the test suite (see bench/RESULTS.md)."""

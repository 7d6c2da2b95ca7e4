"""Management commands of the core app: audit, key rotation, worker, scheduler, run."""

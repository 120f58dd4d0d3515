"""Alembic environment of the training log, run programmatically by `progrun.storage.migrate`."""

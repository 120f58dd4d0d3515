"""The storage tests' database fixtures (SQLite and PostgreSQL), for the application layer's tests."""

from __future__ import annotations

from tests.storage.conftest import pg_database_url, store, store_url

__all__ = ["pg_database_url", "store", "store_url"]

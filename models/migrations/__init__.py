"""Alembic migrations of the service's schema (run by models.db.upgrade on start)."""

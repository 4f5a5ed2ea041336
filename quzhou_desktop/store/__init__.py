"""Persistence: SQLAlchemy models, engine setup, migrations, the audit chain and backups."""

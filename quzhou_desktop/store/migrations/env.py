"""Alembic environment: runs against the connection the app passes in ``config.attributes``.

When the app migrates a database the migrations see no model at all (``target_metadata`` is None), so what
they build cannot drift with the live models, not even through the models' naming convention: every
migration is frozen (see versions/). Only a developer running ``alembic`` by hand (autogenerate compares the
database with the models) gets the models' metadata.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")

if connection is None:  # pragma: no cover - only for developers running `alembic` by hand
    from sqlalchemy import create_engine

    from quzhou_desktop.store.models import Base

    url = context.config.get_main_option("sqlalchemy.url") or "sqlite://"
    engine = create_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=None, render_as_batch=True)
    context.run_migrations()

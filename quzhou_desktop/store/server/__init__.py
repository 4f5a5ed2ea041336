"""A PostgreSQL server database: creating it with its roles (``roles``), copying a township's SQLite file
into it (``copy``), and backups with pg_dump / pg_restore (``dump``). Run by a township's IT person through
``quzhou-desktop server …``, never by the app day to day."""

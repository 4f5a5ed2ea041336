"""The hash-chained audit log: ``chain`` (entries, hashes, appends), ``batch`` (one entry per few thousand
imported rows), ``hooks`` (ORM changes captured in the same transaction) and ``verify``."""

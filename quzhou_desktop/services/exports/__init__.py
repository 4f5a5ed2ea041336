"""Register (台账) exports: kinds, rows read from the database, streamed workbooks."""

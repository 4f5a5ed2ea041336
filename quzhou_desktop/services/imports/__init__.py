"""Spreadsheet imports: preview, matching against the database, one-transaction writes with batch audit entries."""

"""五议两公开: matters and their runs, step records and their evaluation, queries, files and export rows."""

"""Use cases. The only way the GUI and CLI read or change data: permission checks, separation of duties,
one transaction per action, audit entries. Services return plain dataclasses, never ORM objects."""

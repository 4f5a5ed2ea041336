"""Shared test builders, one module per domain; the fixtures that wrap them live in ``tests/conftest.py``.

Test modules import builders from here and never from one another.  ``world`` (``support.world``) is the one
temporary SQLite township every service test starts from; the other builders add to it under their own names.
"""

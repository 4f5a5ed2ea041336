"""CLI subcommands. Each module with ``register(subparsers)`` adds its commands (see ``cli.py``)."""

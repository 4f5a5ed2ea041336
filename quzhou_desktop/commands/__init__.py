"""CLI subcommands. Each module's ``register(subparsers)`` adds its commands; ``cli.command_groups`` names
the modules."""

from __future__ import annotations

import argparse
from typing import TypeAlias

# What ``register`` receives: the top-level parser's ``add_subparsers()`` (a string: the class is not
# subscriptable at run time).
# Exit statuses of every command besides 0: a problem the message explains, a usage error.
EXIT_PROBLEM, EXIT_USAGE = 1, 2

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

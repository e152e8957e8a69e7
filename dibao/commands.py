"""Commands beyond the foundation (scans, search, documents, web), registered on the parser."""

from __future__ import annotations

import argparse
from typing import Any


def register(add: Any, sub: argparse._SubParsersAction, qsub: argparse._SubParsersAction,
             parser: argparse.ArgumentParser) -> None:
    """Later features add their subcommands here."""

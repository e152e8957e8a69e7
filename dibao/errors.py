"""Errors the command line turns into exit code 2 with a message (its own module, so that running
`python -m dibao.cli` and the `dibao` script share one class)."""


class UsageError(Exception):
    """Exit code 2 with a message naming what is wrong, Chinese first."""

"""Errors the command line turns into exit code 2 with a message (its own module, so that running
`python -m dibao.cli` and the `dibao` script share one class). All derive from archiver.errors.UserError."""

from archiver.errors import UserError

__all__ = ["UsageError", "UserError"]


class UsageError(UserError):
    """Exit code 2 with a message naming what is wrong, Chinese first."""

"""The one base class of the user's mistakes and unusable input.

Everything that derives from UserError is reported to staff as it is (a message naming file, row, field or
value, Chinese first) and gives exit code 2 on the command line or a message on the web page. Any other
exception is a bug: its traceback goes to the log, the command exits 1 and the web shows a generic page —
it is never reported as the user's mistake.
"""

from __future__ import annotations


class UserError(Exception):
    """The user's mistake or unusable input; the message is shown as it is."""


class UserValueError(UserError, ValueError):
    """A UserError that code written before the boundary still catches as ValueError."""


class UserLookupError(UserError, LookupError):
    """A UserError (nothing by that number or name) that older code still catches as LookupError."""

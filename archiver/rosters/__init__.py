"""Spreadsheet import: rosters (花名册), change lists (变动名册) and disbursement sheets (发放表)."""

from .importer import ImportResult, Unrecognised, apply, parse_file
from .reader import SheetReadError

__all__ = ["ImportResult", "SheetReadError", "Unrecognised", "apply", "parse_file"]

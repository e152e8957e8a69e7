"""Spreadsheet import: rosters (花名册), change lists (变动名册) and disbursement sheets (发放表)."""

from .importer import ImportResult, apply, report_detail
from .reader import SheetReadError
from .sheets import Unrecognised, parse_file, placed_by_account
from .synonyms import Names, from_policy

__all__ = ["ImportResult", "Names", "SheetReadError", "Unrecognised", "apply", "from_policy", "parse_file",
           "placed_by_account", "report_detail"]

"""ID numbers with a slip of one digit (the check digit does not hold, the birth date is real).

A slipped number still names a person: refusing the row would lose a household from every figure, and
repairing it by arithmetic would be a guess. The archive decides: the same name under a valid number one
digit away (on file, or listed with it on the same sheet) is that person; otherwise the number is kept as
written with a warning for staff to correct. Either way round: a valid number arriving later finds the
household filed under its slip.
"""

from __future__ import annotations

from archiver import idcard
from archiver.catalog import Catalog
from archiver.places import same_person_name

SLIP_KEPT = ("身份证号校验位错误（可能录入有误），档案中没有同名且仅差一位的号码，已按所写导入，请核对原件后更正 / "
             "check digit wrong: kept as written, please verify")
SLIP_MATCHED = ("身份证号校验位错误（可能录入有误），与档案中同名人员的号码仅差一位，已按档案号码导入，请核对原件 / "
                "check digit wrong: matched to the person on file one digit away")
SLIP_DUPLICATE = ("身份证号校验位错误（可能录入有误），同户已列出同名成员且号码正确，此行未导入 / "
                  "check digit wrong and the same person is listed with a valid number: row not imported")


def _heads(catalog: Catalog, number: str, name: str, valid: bool) -> set[tuple[int, str]]:
    """(household, head's number) for heads of `name` filed under a number one digit from `number` that is
    itself valid (`valid`) or itself a slip."""
    return {(int(r["id"]), r["head_id_number"]) for r in catalog.households_by_heads(idcard.one_slip_away(number))
            if same_person_name(r["head_name"] or "", name) and idcard.is_valid(r["head_id_number"]) == valid}


def household_of_slip(catalog: Catalog, slipped: str, name: str) -> tuple[int, str] | None:
    """(household, valid number) of the one household whose head has `name` and a valid number one digit
    from `slipped`; None when there is none or more than one."""
    hits = _heads(catalog, slipped, name, valid=True)
    return hits.pop() if len(hits) == 1 else None


def household_filed_under_slip(catalog: Catalog, valid: str, name: str) -> tuple[int, str] | None:
    """(household, slipped number) of the one household filed under a slip of `valid` for a head of `name`."""
    hits = _heads(catalog, valid, name, valid=False)
    return hits.pop() if len(hits) == 1 else None


def one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def same_person(number: str, name: str, others: dict[str, str]) -> str | None:
    """Among `others` (number → name), the one number that is the same person as (number, name) with one
    digit slipped on either side; None when there is none or more than one."""
    hits = [n for n, other in others.items() if one_apart(n, number) and same_person_name(other, name)]
    return hits[0] if len(hits) == 1 else None

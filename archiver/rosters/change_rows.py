"""A change list (变动名册) row: the household it names and the event — kind, decision date, effective month,
amounts and persons before and after."""

from __future__ import annotations

from archiver.catalog.models import Event

from . import values as v
from .kinds import CHANGE_KINDS, DATE_FIELDS, REASON_KINDS, ChangeRow
from .row import Row, head_columns


def change(row: Row) -> ChangeRow | None:
    name_f, id_f = head_columns(row)
    head_id = row.id_number(id_f, required=not v.text(row.raw("household_no")))
    raw_kind = v.name(row.raw("change_kind"))
    kind = CHANGE_KINDS.get(raw_kind)
    old_amount, new_amount = row.get("old_amount", v.number), row.get("new_amount", v.number)
    if kind is None and raw_kind in ("调整", "调标", "变更") and old_amount is not None and new_amount is not None:
        kind = "调增" if new_amount > old_amount else "调减"
    if kind is None:
        row.fail("change_kind", f"变动类型无法识别：{raw_kind or '空'} / unknown change kind")
        return None
    # the decision date (审批时间) dates the change for statistics; the effective month (执行月份) is kept
    # beside it for payments; a list with only a month is dated by that month
    approved, dated = row.get("approved_on", v.date), row.get("change_date", v.date)
    decision = approved or dated  # beside 审批时间, a 变动日期/生效日期 is when the change took effect
    effective = row.get("effective_month", v.month) or (dated[:7] if approved and dated else None)
    date = decision or (f"{effective}-01" if effective else None)
    if date is None and not row.failed:
        present = [f for f in DATE_FIELDS if f in row.h.columns]
        row.fail(present[0] if present else "change_date", "变动日期为空（审批日期和执行月份均未填写）/ change date is empty")
        return None
    reason = v.text(row.raw("reason")) or (raw_kind if raw_kind in REASON_KINDS else "")
    event = Event(date=date or "", kind=kind, old_amount=old_amount, new_amount=new_amount,
                  old_persons=row.get("old_persons", v.integer), new_persons=row.get("new_persons", v.integer),
                  reason=reason, source_row=row.index + 1, effective_month=effective)
    return ChangeRow(row.index + 1, row.township(), row.village(), v.name(row.raw(name_f)), head_id, event,
                     v.text(row.raw("household_no")))

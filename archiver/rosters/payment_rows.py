"""A disbursement (发放表) row: the payments it records — one period column or one column per month (which must
add up to the row's total) — by person, 户编号 or bank account; a failed transfer is not a payment."""

from __future__ import annotations

from archiver.catalog.models import Payment

from . import values as v
from .kinds import TRANSFER_FAILED, PaymentRow, RowError
from .row import Row, head_columns


def _holder(row: Row) -> str:
    """The account's holder as the sheet names them: 户名/开户人, else the 领款人."""
    return v.name(row.raw("account_holder")) or v.name(row.raw("payee"))


_FAILED = ("失败", "退回", "退票", "不成功", "未成功", "未入账", "错误", "冲正", "户名不符", "账号不存在", "销户", "挂失")


def _transfer_failed(row: Row) -> str:
    """What a bank's status column says of a transfer that did not arrive (失败, 退回, 户名不符 …), or ""."""
    t = v.text(row.raw("transfer_status"))
    label = row.label("transfer_status")
    if "原因" in label:  # a 失败原因 column: anything written there is a failure
        return "" if t in v.NO_WORDS else t
    return t if any(w in t for w in _FAILED) else ""


def payment(row: Row) -> PaymentRow | None:
    name_f, id_f = head_columns(row)
    account = v.text(row.raw("bank_account")).replace(" ", "")
    head_id = row.id_number(id_f, required=not v.text(row.raw("household_no")) and not (
        account and id_f not in row.h.columns))
    failed = _transfer_failed(row)
    if failed:
        row.fail("transfer_status", f"{TRANSFER_FAILED}（{failed[:30]}），未计入已发放，请核实后补发 / transfer failed: not counted as paid")
        return None
    persons = row.get("persons", v.integer)
    township, village, holder = row.township(), row.village(), _holder(row)
    if row.h.months:
        pays = _wide_payments(row, persons, account, township, village, holder)
        if pays is None:
            return None
    else:
        amount = row.get("paid_amount", v.number)
        if amount is None and not row.failed:
            row.fail("paid_amount", "发放金额为空 / amount is empty")
        span = v.period(row.raw("period")) or v.period(row.raw("memo"))  # 摘要 "2025年3月低保金"
        for title in row.h.above:  # a sheet without a period column: its title names the period
            if span is None and "填报" not in title:
                span = v.period(title)
        if span is None and not row.ctx.sheet_date:  # the day the bank paid, when nothing names the month owed
            span = v.period(row.raw("transfer_date"))
        if span is None and row.period_conflict():
            return None
        if span is None and row.ctx.sheet_date:
            span = v.period(row.ctx.sheet_date[:7])
        if span is None:
            row.fail("period", "发放期间无法识别 / payment period unreadable")
            return None
        if amount is None:
            return None
        pays = [Payment(span[0], span[1], amount, persons, account, township, village, holder)]
    return PaymentRow(row.index + 1, township, village, v.name(row.raw(name_f)), head_id, pays,
                      v.text(row.raw("household_no")))


def _wide_payments(row: Row, persons: int | None, account: str, township: str, village: str,
                   holder: str) -> list[Payment] | None:
    """One payment per month column; the months must add up to the row's 小计/合计."""
    pays: list[Payment] = []
    total = 0.0
    for c, (year, mo) in sorted(row.h.months.items()):
        try:
            amount = v.number(row.cells[c] if c < len(row.cells) else None)
        except v.ValueProblem as exc:
            row.errors.append(RowError(row.sheet, row.index + 1, row.h.labels.get(c, ""), str(exc)))
            row.failed = True
            return None
        if not amount:
            continue
        if year is None:
            if row.period_conflict():
                return None
            year = row.ctx.year
        if year is None:
            row.fail("period", f"「{row.h.labels.get(c, '')}」所属年份无法确定（标题、表名和文件名都没有年份）/ "
                               "year of the month columns unknown")
            return None
        ym = f"{year:04d}-{mo:02d}"
        pays.append(Payment(ym, ym, amount, persons, account, township, village, holder))
        total += amount
    total_f = "row_total" if "row_total" in row.h.columns else "paid_amount"
    stated = row.get(total_f, v.number)
    if stated is not None and abs(stated - total) > 0.005:
        row.fail(total_f, f"各月金额之和{total:.2f}元与{row.label(total_f)}{stated:.2f}元不符 / months do not add up")
        return None
    return pays

"""Where data moves, who may move it where: the checks routing applies before a page is filed.

- A page uploaded by a township or village user files only to households of that user's area (the inbox
  watcher's scanner share and county users file county-wide); a retry a user triggers (registering an
  applicant) files only what lies within that user's area.
- A dibao code (cover sheet, pre-filled form, `DIBAO-HH:` text) routes only when signed with the home's key
  (archiver/codekeys.py), or, unsigned, until the policy's `[codes] unsigned_until`.
- A page whose text names a township or village, but not the routed household's own, stays in quarantine
  (地址不符): the strongest signal on a page is worth nothing if the page speaks of somewhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from archiver import codekeys, qr
from archiver.catalog import Catalog, Scope, areas
from archiver.home import Home
from archiver.policy import load as load_policy

Area = list[Scope]  # a household is inside when any of these scopes holds it

OUTSIDE = "所归家庭不在上传者的管辖范围内，未归档，请由相应乡镇或县民政局处理 / household outside the uploader's area"
ADDRESS = "地址不符"
UNSIGNED = "二维码未签名或签名不符（可能不是本系统打印的），未按二维码归档 / QR code unsigned or signature wrong"


@dataclass
class Trust:
    keys: codekeys.Keys | None
    unsigned_ok: bool = False
    limits: tuple[Area, ...] = ()  # the household must lie inside every one of these (none: county-wide)
    _names: dict[str, list[str]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, home: Home, cat: Catalog, today: dt.date | None = None) -> Trust:
        """County-wide trust for this home: its keys, and unsigned codes while the policy allows them."""
        until = load_policy(home.root).codes.unsigned_until
        return cls(codekeys.load(home.root), until is not None and (today or dt.date.today()) <= until)

    def within(self, area: Area | None) -> Trust:
        """The same trust, limited further to `area` (None: no further limit)."""
        return self if area is None else replace(self, limits=(*self.limits, area))

    def code_ok(self, code: qr.Code | None) -> bool:
        """Whether a code read on a page may route by itself."""
        if code is None:
            return False
        if code.sig is None:
            return self.unsigned_ok
        return self.keys is not None and self.keys.verifies(code.body, code.sig)

    def allows(self, cat: Catalog, household_id: int) -> bool:
        return all(any(cat.household_row(household_id, s) is not None for s in area) for area in self.limits)

    def address_conflict(self, cat: Catalog, text: str, household_id: int) -> str:
        """The 地址不符 reason when `text` names a township or village on file but not the household's own."""
        if not text:
            return ""
        row = cat.household_row(household_id)
        if row is None:
            return ""
        if self._names is None:
            self._names = cat.area_names()
        flat = "".join(text.split())
        towns = {t for t in self._names if len(t) >= 2 and t in flat}
        villages = {v for vs in self._names.values() for v in vs if len(v) >= 2 and v in flat}
        wrong = []
        if towns and (row["township"] or "") not in towns:
            wrong += sorted(towns)
        if villages and (row["village"] or "") not in villages:
            wrong += sorted(villages)
        if not wrong:
            return ""
        return (f"{ADDRESS}：页面写的是{'、'.join(wrong[:4])}，与所归家庭的乡镇村不同，请人工核对 / "
                "address mismatch: the page names another township or village")


def uploader_area(cat: Catalog, sha256: str) -> Area | None:
    """Where the people who uploaded these bytes through the web may file (None: nobody did — the scanner
    share or a county user's ingest — or a county user did): the union of their areas."""
    rows = cat.uploaders(sha256)
    if not rows:
        return None
    out: Area = []
    for r in rows:
        if r["role"] is None:  # an account deleted since: it files nowhere
            out.append(Scope(nothing=True))
            continue
        scope = areas.of_user(str(r["role"]), str(r["area"] or ""), cat)
        if scope == Scope():
            return None
        out.append(scope)
    return out

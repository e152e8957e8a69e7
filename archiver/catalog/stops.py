"""The stops aggregate: a stop decision recorded by staff (`dibao cases stop`) — the 停保 event the in-保
figures read, the case entry that keeps its reason (停保) and the day the household was told in writing
(停保告知) — one transaction with its audit entry."""

from __future__ import annotations

from .households import HouseholdsMixin
from .models import Event, now, today
from .users import UsersMixin

STOP_STEP, NOTICE_STEP = "停保", "停保告知"


class StopsMixin(HouseholdsMixin, UsersMixin):
    """Builds on the households (the 停保 event) and the users (the audit entry)."""

    def record_stop(self, household_id: int, date: str, reason: str, user: str, notified: str | None = None) -> None:
        at = now()
        with self.transaction():
            self.add_event(household_id, Event(date, "停保", reason=reason, source="登记"))
            known = self.db.execute("SELECT 1 FROM case_entries WHERE household_id = ? AND step = ? AND date = ?",
                                    (household_id, STOP_STEP, date)).fetchone()
            if not known:
                self.db.execute("INSERT INTO case_entries(household_id, step, date, detail, user, at) VALUES (?,?,?,?,?,?)",
                                (household_id, STOP_STEP, date, reason, user, at))
            if notified:
                self.db.execute("INSERT INTO case_entries(household_id, step, date, detail, user, at) VALUES (?,?,?,?,?,?)",
                                (household_id, NOTICE_STEP, notified, f"停保{date}", user, at))
            if date <= today():
                self.db.execute("UPDATE households SET status = '停保', updated_at = ? WHERE id = ?", (at, household_id))
            self.audit(user, "case.stop", str(household_id), f"{date} {reason} 告知{notified or '未登记'}")

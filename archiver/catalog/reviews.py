"""The reviews aggregate (复核): one row with result and reviewer, and the 复核 event the review clock reads —
written together, with the audit entry, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from .households import HouseholdsMixin
from .models import Event, now
from .scope import Scope
from .users import UsersMixin


@dataclass
class RecordedReview:
    household_id: int
    date: str
    result: str
    reviewer: str
    recorded_by: str
    recorded_at: str


class ReviewsMixin(HouseholdsMixin, UsersMixin):
    """Builds on the households (the 复核 event) and the users (the audit entry)."""

    def record_review(self, household_id: int, date: str, result: str, reviewer: str, user: str) -> RecordedReview:
        at = now()
        with self.transaction():
            self._insert("reviews", {"household_id": household_id, "date": date, "result": result,
                                     "reviewer": reviewer or None, "recorded_by": user, "recorded_at": at})
            self.add_event(household_id, Event(date, "复核", reason=f"复核：{result}"))
            self.audit(user, "review.record", str(household_id), f"{date} {result} {reviewer}".strip())
        return RecordedReview(household_id, date, result, reviewer, user, at)

    def reviews_between(self, scope: Scope, since: str, until: str) -> dict[int, list[RecordedReview]]:
        """Recorded reviews dated in [since, until] by household, in date order."""
        where, args = scope.sql("h")
        rows = self.db.execute(
            f"SELECT r.* FROM reviews r JOIN households h ON h.id = r.household_id WHERE r.date BETWEEN ? AND ? AND {where} "
            f"ORDER BY r.date, r.id", [since, until, *args])
        out: dict[int, list[RecordedReview]] = {}
        for r in rows:
            out.setdefault(int(r["household_id"]), []).append(RecordedReview(
                int(r["household_id"]), r["date"], r["result"], r["reviewer"] or "", r["recorded_by"], r["recorded_at"]))
        return out

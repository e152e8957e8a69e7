"""Working days on China's official calendar: weekends, statutory holidays and 调休 working days.

The State Council publishes each year's holidays late in the previous year; the `chinese-calendar`
package carries them. A year the package does not know yet is read from policy.toml ([calendar]
holidays / workdays); a year known to neither is counted by weekends alone and *reported* (the
`unknown_years` of the calendar), never silently treated as an ordinary year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from archiver.policy import Policy


@dataclass
class Calendar:
    holidays: set[dt.date] = field(default_factory=set)   # from policy.toml: days off on a weekday
    workdays: set[dt.date] = field(default_factory=set)   # from policy.toml: 调休 working weekends
    policy_years: set[int] = field(default_factory=set)   # years policy.toml fully describes
    unknown_years: set[int] = field(default_factory=set)  # years counted by weekends alone (reported)

    @classmethod
    def from_policy(cls, policy: Policy) -> Calendar:
        cal = policy.calendar
        hol, work = set(cal.holidays), set(cal.workdays)
        years = set(cal.years) | {d.year for d in hol | work}
        return cls(hol, work, years)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        if day.year not in self.policy_years:
            import chinese_calendar

            try:
                return bool(chinese_calendar.is_workday(day))
            except NotImplementedError:
                self.unknown_years.add(day.year)
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the day of 受理 itself does not count)."""
        day = start
        while n > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

-- Money per period (stats, the year-end summary: sum of payments grouped by period) read from this index alone,
-- already in period order, instead of every payment row and a sort: 0.18 s -> 0.02 s for 400,000 rows.
-- It serves everything the period_start index did (its first column), so that one goes.
CREATE INDEX payments_periods ON payments(period_start, period_end, amount);
DROP INDEX payments_period;

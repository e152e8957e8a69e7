-- Payments by the township and village written on their rows (issue 27): the 月报 sums a county's money once
-- per township and village, which without this index read every payment row each time (four minutes for a
-- county of 100,000 households; bench/year_work.py).
CREATE INDEX IF NOT EXISTS payments_area ON payments(township, village);

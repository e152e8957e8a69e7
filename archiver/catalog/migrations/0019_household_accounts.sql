-- A bank's payment export names the account, not the person: each row is placed by the account number the
-- catalog holds (households.bank_account), one indexed lookup per row instead of a scan of the county.
CREATE INDEX households_bank_account ON households(bank_account);

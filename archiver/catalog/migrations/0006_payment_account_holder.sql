-- the name a disbursement sheet gives for the account a payment went to (领款人 / 户名 / 开户人), so an
-- account held in the name of someone outside the household can be reported (inspect: account_holder_not_member)
ALTER TABLE payments ADD COLUMN account_holder TEXT;

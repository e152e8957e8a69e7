-- changes.account: the user account a change was made to (新增账户, 停用/启用, 角色和辖区, 重置密码), so that
-- `dibao history --user NAME` shows an account's trail like a household's. Rows written before this
-- migration named the account only in their text; they are matched here once.
ALTER TABLE changes ADD COLUMN account TEXT;
UPDATE changes SET account = substr(before, 4)
 WHERE household_id IS NULL AND document_id IS NULL AND member_id IS NULL AND what IN ('停用账户', '启用账户')
   AND before LIKE '用户 %';
UPDATE changes SET account = substr(what, 4, length(what) - 10)
 WHERE household_id IS NULL AND document_id IS NULL AND member_id IS NULL AND what LIKE '用户 % 的角色和辖区';
CREATE INDEX changes_account ON changes(account);

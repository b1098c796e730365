-- Tasks after a revert, a fix, or a task the rep completed or deleted (issue 11.6): a task row whose violation is
-- closed (or whose HubSpot task is gone or done) no longer blocks the next violation of its rule on the deal. The row
-- is "released" (blocking = 0) rather than completed when its HubSpot task must stay open — a revert's task explains
-- the revert until the deal enters that stage compliantly — so the one-open-task-per-rule guard now covers only the
-- rows that still block.
ALTER TABLE deal_tasks ADD COLUMN blocking INTEGER NOT NULL DEFAULT 1;
DROP INDEX deal_tasks_one_open;
CREATE UNIQUE INDEX deal_tasks_one_open ON deal_tasks (deal_id, policy_id, rule_id, purpose) WHERE status IN ('planned','open') AND blocking = 1;

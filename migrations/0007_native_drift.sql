-- Native enforcement (issue 15): the latest drift check of HubSpot's own pipeline rules against the policy set,
-- written by the cron and shown on the dashboard's overview and in /healthz. One row: only the latest check matters.
CREATE TABLE native_drift (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at   INTEGER NOT NULL,                 -- epoch ms
  status       TEXT NOT NULL CHECK (status IN ('in-sync','drift','error','unused')),
  differences  INTEGER NOT NULL DEFAULT 0,
  detail       TEXT NOT NULL DEFAULT '[]'        -- JSON: [{pipeline, what, current, desired}] or [{error}]
);

-- Governance properties on deals (issue 17): what the engine last wrote to each deal's governance_* properties (so it
-- writes only when a value changes, and can tell a hand edit from its own), the hand edits it put back, the
-- backfill/repair cursor, and whether the property group and properties exist in the portal.

CREATE TABLE governance_values (
  deal_id            TEXT PRIMARY KEY,
  status             TEXT NOT NULL CHECK (status IN ('compliant','open_violation','reverted','exception')),
  open_violations    INTEGER NOT NULL,
  open_rules         TEXT NOT NULL,
  last_violation_at  INTEGER,                     -- epoch ms; NULL when the deal never broke a rule
  last_checked_at    INTEGER NOT NULL,            -- epoch ms the values were confirmed
  written_at         INTEGER NOT NULL             -- epoch ms of the HubSpot write
);

-- A governance property someone changed in HubSpot, and the value the engine put back.
CREATE TABLE governance_repairs (
  id              TEXT PRIMARY KEY,               -- hash(deal_id, property, found_value, repaired_at)
  deal_id         TEXT NOT NULL,
  property        TEXT NOT NULL,
  found_value     TEXT,
  restored_value  TEXT,
  found_by        TEXT NOT NULL,                  -- 'webhook' | 'cron' | 'sync'
  repaired_at     INTEGER NOT NULL
);
CREATE INDEX governance_repairs_deal ON governance_repairs (deal_id, repaired_at);

-- Resumable backfill/repair: the last deal id done per job ('sync' for the CLI, 'cron' for the rotating repair).
CREATE TABLE governance_cursor (
  job         TEXT PRIMARY KEY,
  after_deal  TEXT NOT NULL,
  updated_at  INTEGER NOT NULL
);

-- The property group and properties exist in the portal (installed, or found): key = the portal's API base + app.
CREATE TABLE governance_install (
  portal_key    TEXT PRIMARY KEY,
  status        TEXT NOT NULL CHECK (status IN ('installed','refused')),
  detail        TEXT,
  checked_at    INTEGER NOT NULL
);

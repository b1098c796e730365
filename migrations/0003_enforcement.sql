-- Enforcement: the engine's own memory of deals, of what it wrote, of the tasks it opened and the reverts it made,
-- plus the portal metadata cache (pipelines, owners, teams) and the shared HubSpot rate budget.

-- Last-known state per deal: the fallback for "which stage did it come from" and the record of deletions/merges.
CREATE TABLE deal_state (
  deal_id          TEXT PRIMARY KEY,
  pipeline_id      TEXT,
  stage_id         TEXT,
  owner_id         TEXT,
  deal_name        TEXT,
  properties       TEXT NOT NULL DEFAULT '{}',   -- JSON: the policy-relevant properties as last read (raw strings)
  stage_entered_at INTEGER,                      -- epoch ms the deal entered stage_id, when known
  status           TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','deleted','merged')),
  merged_into      TEXT,                         -- primary deal id when status = 'merged'
  observed_at      INTEGER NOT NULL,             -- HubSpot time (occurredAt) of the newest change folded in
  updated_at       INTEGER NOT NULL
);

-- What the engine just wrote to HubSpot: the second guard (besides sourceId = app id) that an echo is ours.
CREATE TABLE engine_writes (
  id          TEXT PRIMARY KEY,                  -- hash(deal_id, property, value, violation_id)
  deal_id     TEXT NOT NULL,
  property    TEXT NOT NULL,
  value       TEXT,
  written_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX engine_writes_deal ON engine_writes (deal_id, property, expires_at);

-- Tasks the engine opened. At most one open (or planned) task per (deal, policy, rule, purpose): a repeated violation
-- keeps the existing task; a redelivered event finds its row and creates nothing.
CREATE TABLE deal_tasks (
  id            TEXT PRIMARY KEY,                -- hash(violation_id, purpose)
  deal_id       TEXT NOT NULL,
  policy_id     TEXT NOT NULL,
  rule_id       TEXT NOT NULL,
  purpose       TEXT NOT NULL CHECK (purpose IN ('rep','manager')),
  violation_id  TEXT NOT NULL,
  owner_id      TEXT,                            -- assignee
  task_id       TEXT,                            -- HubSpot task id once created
  status        TEXT NOT NULL CHECK (status IN ('planned','open','completed','failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  error         TEXT,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  completed_at  INTEGER
);
CREATE UNIQUE INDEX deal_tasks_one_open ON deal_tasks (deal_id, policy_id, rule_id, purpose) WHERE status IN ('planned','open');
CREATE INDEX deal_tasks_violation ON deal_tasks (violation_id);
CREATE INDEX deal_tasks_status ON deal_tasks (status, updated_at);

-- Reverts: planned before the write, marked after; the per-deal hourly cap counts these rows.
CREATE TABLE reverts (
  violation_id  TEXT PRIMARY KEY,
  deal_id       TEXT NOT NULL,
  to_pipeline   TEXT,                            -- where the deal is sent back to
  to_stage      TEXT NOT NULL,
  from_stage    TEXT NOT NULL,                   -- the violating stage it is taken out of
  status        TEXT NOT NULL CHECK (status IN ('planned','done','refused','skipped','failed')),
  reason        TEXT,
  planned_at    INTEGER NOT NULL,
  done_at       INTEGER
);
CREATE INDEX reverts_deal_time ON reverts (deal_id, planned_at);

-- Portal metadata cache (pipelines with stages, deal property types), each with fetched_at for the TTL.
CREATE TABLE portal_metadata (
  key         TEXT PRIMARY KEY,                  -- 'pipelines' | 'properties'
  value       TEXT NOT NULL,                     -- JSON
  fetched_at  INTEGER NOT NULL
);

-- Owners (HubSpot users who can own deals), with their teams: the actor map (user_id) and the managers' dashboard names.
CREATE TABLE owners (
  id               TEXT PRIMARY KEY,             -- owner id (hubspot_owner_id)
  user_id          TEXT,                         -- HubSpot user id (webhook sourceId "userId:N")
  name             TEXT,                         -- "First Last", or the email when both are empty
  email            TEXT,
  first_name       TEXT,
  last_name        TEXT,
  team_ids         TEXT NOT NULL DEFAULT '[]',   -- JSON array of team ids
  primary_team_id  TEXT,
  archived         INTEGER NOT NULL DEFAULT 0,
  fetched_at       INTEGER NOT NULL
);
CREATE INDEX owners_user ON owners (user_id);
CREATE INDEX owners_team ON owners (primary_team_id);

CREATE TABLE teams (
  id                TEXT PRIMARY KEY,
  name              TEXT,
  manager_owner_id  TEXT,                        -- when known (MANAGER_MAP "team:<id>" or the portal)
  fetched_at        INTEGER NOT NULL
);

-- The HubSpot request budget shared by every isolate: a fixed window counter and a "blocked until" after a 429.
CREATE TABLE rate_budget (
  scope          TEXT PRIMARY KEY,               -- 'hubspot'
  window_start   INTEGER NOT NULL,               -- epoch ms
  used           INTEGER NOT NULL DEFAULT 0,
  window_max     INTEGER NOT NULL,               -- learned from X-HubSpot-RateLimit-Max (with headroom)
  blocked_until  INTEGER NOT NULL DEFAULT 0,
  blocked_reason TEXT,
  updated_at     INTEGER NOT NULL
);

-- Violations and the stage-transition log: written by enforcement (jobs/), read by the managers' view (http/api, dashboard).

CREATE TABLE violations (
  id                TEXT PRIMARY KEY,          -- deterministic: hash(deal_id, policy_id, rule_id, trigger key) → idempotent insert
  portal_id         INTEGER NOT NULL,
  deal_id           TEXT NOT NULL,
  deal_name         TEXT,
  pipeline_id       TEXT,
  from_stage        TEXT,                      -- stage ids
  to_stage          TEXT,
  from_stage_label  TEXT,
  to_stage_label    TEXT,
  policy_id         TEXT NOT NULL,
  policy_version    TEXT NOT NULL,             -- content hash of the policy text that produced it
  rule_id           TEXT NOT NULL,
  severity          TEXT NOT NULL CHECK (severity IN ('info','warning','critical')),
  mode              TEXT NOT NULL CHECK (mode IN ('audit','enforce')),
  message           TEXT NOT NULL,
  missing           TEXT NOT NULL DEFAULT '[]', -- JSON array of what is missing
  trace             TEXT NOT NULL DEFAULT '[]', -- JSON: the evaluator's explanation
  actions           TEXT NOT NULL DEFAULT '[]', -- JSON: [{ type, planned, outcome: 'pending'|'done'|'skipped'|'failed'|'would-run', taskId?, error? }]
  owner_id          TEXT,                      -- deal owner at detection
  team_id           TEXT,                      -- owner's primary team at detection
  actor_user_id     TEXT,
  actor_owner_id    TEXT,
  change_source     TEXT,
  source_id         TEXT,
  source_events     TEXT NOT NULL DEFAULT '[]', -- JSON array of inbox hashes
  task_id           TEXT,
  reverted          INTEGER NOT NULL DEFAULT 0,
  status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
  occurred_at       INTEGER NOT NULL,          -- when the violating change happened (HubSpot's occurredAt)
  detected_at       INTEGER NOT NULL,
  resolved_at       INTEGER,
  resolved_by       TEXT,                      -- user id or change source that fixed it
  resolved_by_event TEXT,                      -- inbox hash of the fixing change
  time_to_fix_ms    INTEGER
);
-- Keyset pagination is (occurred_at DESC, id DESC); each filter index ends with it so that a filtered page is an index range.
CREATE INDEX violations_time        ON violations (occurred_at DESC, id DESC);
CREATE INDEX violations_status_time ON violations (status, occurred_at DESC, id DESC);
CREATE INDEX violations_owner_time  ON violations (owner_id, occurred_at DESC, id DESC);
CREATE INDEX violations_team_time   ON violations (team_id, occurred_at DESC, id DESC);
CREATE INDEX violations_rule_time   ON violations (policy_id, rule_id, occurred_at DESC, id DESC);
CREATE INDEX violations_deal        ON violations (deal_id, status);
CREATE INDEX violations_stage_time  ON violations (to_stage, occurred_at DESC);

-- Every stage change, compliant or not: the base of conversion ratios and time-in-stage.
CREATE TABLE stage_transitions (
  id                TEXT PRIMARY KEY,          -- hash(deal_id, occurred_at, from_stage, to_stage) → idempotent
  portal_id         INTEGER NOT NULL,
  deal_id           TEXT NOT NULL,
  pipeline_id       TEXT,
  from_stage        TEXT,                      -- NULL when the deal was created in to_stage
  to_stage          TEXT NOT NULL,
  from_index        INTEGER,
  to_index          INTEGER,
  to_is_closed      INTEGER NOT NULL DEFAULT 0,
  to_is_won         INTEGER NOT NULL DEFAULT 0,
  owner_id          TEXT,
  team_id           TEXT,
  actor_user_id     TEXT,
  change_source     TEXT,
  occurred_at       INTEGER NOT NULL,
  time_in_from_ms   INTEGER,                   -- how long the deal sat in from_stage, when known
  compliant         INTEGER NOT NULL DEFAULT 1,
  violation_count   INTEGER NOT NULL DEFAULT 0,
  reverted          INTEGER NOT NULL DEFAULT 0 -- this transition was undone by the engine
);
CREATE INDEX stage_transitions_owner_time ON stage_transitions (owner_id, occurred_at);
CREATE INDEX stage_transitions_team_time  ON stage_transitions (team_id, occurred_at);
CREATE INDEX stage_transitions_time       ON stage_transitions (occurred_at);
CREATE INDEX stage_transitions_deal       ON stage_transitions (deal_id, occurred_at);

-- Close-date pushes (forecast hygiene): each time an open deal's close date moves later.
CREATE TABLE close_date_changes (
  id           TEXT PRIMARY KEY,               -- hash(deal_id, occurred_at, new value)
  portal_id    INTEGER NOT NULL,
  deal_id      TEXT NOT NULL,
  owner_id     TEXT,
  team_id      TEXT,
  old_value    INTEGER,                        -- epoch ms
  new_value    INTEGER,
  pushed_days  INTEGER,                        -- positive = pushed out
  occurred_at  INTEGER NOT NULL
);
CREATE INDEX close_date_changes_owner_time ON close_date_changes (owner_id, occurred_at);

-- Rollout steps (issue 14): a `warn` mode between audit and enforce, and the history of the policy set's versions.
--
-- 1. violations.mode may be 'warn'. SQLite can't change a CHECK constraint in place, so the table is rebuilt with the
--    same columns (same order) and its indexes and triggers are re-created as they were; DROP TABLE fires no trigger,
--    so the rollups are untouched. "What enforce would have done" (audit_action_rollup) now also counts the actions a
--    warn-mode violation only recorded (its reverts, outcome would-run); audit-mode rows count as before.
CREATE TABLE violations_new (
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
  mode              TEXT NOT NULL CHECK (mode IN ('audit','warn','enforce')),
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
INSERT INTO violations_new SELECT * FROM violations;
DROP TABLE violations;
ALTER TABLE violations_new RENAME TO violations;

CREATE INDEX violations_time        ON violations (occurred_at DESC, id DESC);
CREATE INDEX violations_status_time ON violations (status, occurred_at DESC, id DESC);
CREATE INDEX violations_owner_time  ON violations (owner_id, occurred_at DESC, id DESC);
CREATE INDEX violations_team_time   ON violations (team_id, occurred_at DESC, id DESC);
CREATE INDEX violations_rule_time   ON violations (policy_id, rule_id, occurred_at DESC, id DESC);
CREATE INDEX violations_deal        ON violations (deal_id, status);
CREATE INDEX violations_stage_time  ON violations (to_stage, occurred_at DESC);
CREATE INDEX violations_summary ON violations
  (occurred_at, status, owner_id, team_id, policy_id, rule_id, to_stage, mode, time_to_fix_ms);
CREATE INDEX violations_team_summary ON violations
  (team_id, occurred_at, status, owner_id, policy_id, rule_id, to_stage, mode, time_to_fix_ms);
CREATE INDEX violations_severity_time ON violations (severity, occurred_at DESC, id DESC);
CREATE INDEX violations_mode_time     ON violations (mode, occurred_at DESC, id DESC);
CREATE INDEX violations_pipeline_time ON violations (pipeline_id, occurred_at DESC, id DESC);
CREATE INDEX violations_policy_mode   ON violations (policy_id, occurred_at, rule_id, mode, status, policy_version, team_id);
CREATE INDEX violations_team_resolved ON violations (team_id, resolved_at) WHERE resolved_at IS NOT NULL;

CREATE TRIGGER violations_rollup_insert AFTER INSERT ON violations BEGIN
  INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved) VALUES
    ('owner', NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.owner_id, ''), '', NEW.status = 'open', NEW.status = 'resolved'),
    ('team',  NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), '', '', NEW.status = 'open', NEW.status = 'resolved'),
    ('rule',  NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), NEW.policy_id, NEW.rule_id, NEW.status = 'open', NEW.status = 'resolved'),
    ('stage', NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.to_stage, ''), '', NEW.status = 'open', NEW.status = 'resolved'),
    ('team',  NEW.occurred_at / 86400000, '*', '', '', NEW.status = 'open', NEW.status = 'resolved'),
    ('rule',  NEW.occurred_at / 86400000, '*', NEW.policy_id, NEW.rule_id, NEW.status = 'open', NEW.status = 'resolved'),
    ('stage', NEW.occurred_at / 86400000, '*', COALESCE(NEW.to_stage, ''), '', NEW.status = 'open', NEW.status = 'resolved')
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
END;

CREATE TRIGGER violations_rollup_update AFTER UPDATE OF status, occurred_at, owner_id, team_id, policy_id, rule_id, to_stage ON violations BEGIN
  INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved) VALUES
    ('owner', OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.owner_id, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('team',  OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), '', '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('rule',  OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), OLD.policy_id, OLD.rule_id, -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('stage', OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.to_stage, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('team',  OLD.occurred_at / 86400000, '*', '', '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('rule',  OLD.occurred_at / 86400000, '*', OLD.policy_id, OLD.rule_id, -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('stage', OLD.occurred_at / 86400000, '*', COALESCE(OLD.to_stage, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved'))
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
  INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved) VALUES
    ('owner', NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.owner_id, ''), '', NEW.status = 'open', NEW.status = 'resolved'),
    ('team',  NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), '', '', NEW.status = 'open', NEW.status = 'resolved'),
    ('rule',  NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), NEW.policy_id, NEW.rule_id, NEW.status = 'open', NEW.status = 'resolved'),
    ('stage', NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.to_stage, ''), '', NEW.status = 'open', NEW.status = 'resolved'),
    ('team',  NEW.occurred_at / 86400000, '*', '', '', NEW.status = 'open', NEW.status = 'resolved'),
    ('rule',  NEW.occurred_at / 86400000, '*', NEW.policy_id, NEW.rule_id, NEW.status = 'open', NEW.status = 'resolved'),
    ('stage', NEW.occurred_at / 86400000, '*', COALESCE(NEW.to_stage, ''), '', NEW.status = 'open', NEW.status = 'resolved')
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
END;

CREATE TRIGGER violations_rollup_delete AFTER DELETE ON violations BEGIN
  INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved) VALUES
    ('owner', OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.owner_id, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('team',  OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), '', '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('rule',  OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), OLD.policy_id, OLD.rule_id, -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('stage', OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.to_stage, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('team',  OLD.occurred_at / 86400000, '*', '', '', -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('rule',  OLD.occurred_at / 86400000, '*', OLD.policy_id, OLD.rule_id, -(OLD.status = 'open'), -(OLD.status = 'resolved')),
    ('stage', OLD.occurred_at / 86400000, '*', COALESCE(OLD.to_stage, ''), '', -(OLD.status = 'open'), -(OLD.status = 'resolved'))
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
END;

CREATE TRIGGER violations_incomplete_insert AFTER INSERT ON violations
WHEN NEW.to_stage IS NOT NULL AND json_valid(NEW.missing) AND json_array_length(NEW.missing) > 0 BEGIN
  INSERT OR IGNORE INTO incomplete_changes (deal_id, occurred_at, team_id, owner_id)
    VALUES (NEW.deal_id, NEW.occurred_at, COALESCE(NEW.team_id, ''), COALESCE(NEW.owner_id, ''));
END;

CREATE TRIGGER violations_incomplete_delete AFTER DELETE ON violations
WHEN OLD.to_stage IS NOT NULL AND json_valid(OLD.missing) AND json_array_length(OLD.missing) > 0 BEGIN
  DELETE FROM incomplete_changes WHERE deal_id = OLD.deal_id AND occurred_at = OLD.occurred_at
    AND NOT EXISTS (SELECT 1 FROM violations v WHERE v.deal_id = OLD.deal_id AND v.occurred_at = OLD.occurred_at AND v.to_stage IS NOT NULL
                    AND json_valid(v.missing) AND json_array_length(v.missing) > 0);
END;

CREATE TRIGGER violations_fix_insert AFTER INSERT ON violations
WHEN NEW.status = 'resolved' AND NEW.time_to_fix_ms IS NOT NULL
  AND COALESCE(NEW.resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(NEW.resolved_by, '') NOT LIKE 'merged:%' BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT NEW.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, 1
    FROM (SELECT MAX(0, NEW.time_to_fix_ms / 60000) AS m) WHERE true
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_fix_update AFTER UPDATE OF status, time_to_fix_ms, occurred_at, resolved_by ON violations BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT OLD.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, -1
    FROM (SELECT MAX(0, OLD.time_to_fix_ms / 60000) AS m)
    WHERE OLD.status = 'resolved' AND OLD.time_to_fix_ms IS NOT NULL
      AND COALESCE(OLD.resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(OLD.resolved_by, '') NOT LIKE 'merged:%'
  ON CONFLICT DO UPDATE SET count = count - 1;
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT NEW.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, 1
    FROM (SELECT MAX(0, NEW.time_to_fix_ms / 60000) AS m)
    WHERE NEW.status = 'resolved' AND NEW.time_to_fix_ms IS NOT NULL
      AND COALESCE(NEW.resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(NEW.resolved_by, '') NOT LIKE 'merged:%'
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_fix_delete AFTER DELETE ON violations
WHEN OLD.status = 'resolved' AND OLD.time_to_fix_ms IS NOT NULL
  AND COALESCE(OLD.resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(OLD.resolved_by, '') NOT LIKE 'merged:%' BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT OLD.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, -1
    FROM (SELECT MAX(0, OLD.time_to_fix_ms / 60000) AS m) WHERE true
  ON CONFLICT DO UPDATE SET count = count - 1;
END;

CREATE TRIGGER violations_resolution_insert AFTER INSERT ON violations WHEN NEW.status = 'resolved' BEGIN
  INSERT INTO resolution_rollup (day, team_id, kind, count)
    SELECT NEW.occurred_at / 86400000, t.value, CASE WHEN NEW.resolved_by LIKE 'engine:%' THEN 'engine' WHEN NEW.resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END, 1
    FROM json_each(json_array(COALESCE(NEW.team_id, ''), '*')) t WHERE true
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_resolution_update AFTER UPDATE OF status, resolved_by, occurred_at, team_id ON violations BEGIN
  INSERT INTO resolution_rollup (day, team_id, kind, count)
    SELECT OLD.occurred_at / 86400000, t.value, CASE WHEN OLD.resolved_by LIKE 'engine:%' THEN 'engine' WHEN OLD.resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END, -1
    FROM json_each(json_array(COALESCE(OLD.team_id, ''), '*')) t WHERE OLD.status = 'resolved'
  ON CONFLICT DO UPDATE SET count = count - 1;
  INSERT INTO resolution_rollup (day, team_id, kind, count)
    SELECT NEW.occurred_at / 86400000, t.value, CASE WHEN NEW.resolved_by LIKE 'engine:%' THEN 'engine' WHEN NEW.resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END, 1
    FROM json_each(json_array(COALESCE(NEW.team_id, ''), '*')) t WHERE NEW.status = 'resolved'
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_resolution_delete AFTER DELETE ON violations WHEN OLD.status = 'resolved' BEGIN
  INSERT INTO resolution_rollup (day, team_id, kind, count)
    SELECT OLD.occurred_at / 86400000, t.value, CASE WHEN OLD.resolved_by LIKE 'engine:%' THEN 'engine' WHEN OLD.resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END, -1
    FROM json_each(json_array(COALESCE(OLD.team_id, ''), '*')) t WHERE true
  ON CONFLICT DO UPDATE SET count = count - 1;
END;

-- Planned actions enforce would have taken, per UTC day, policy, rule, team and action type: every action of an
-- audit-mode violation, and the would-run actions (the reverts) of a warn-mode one.
CREATE TRIGGER violations_audit_insert AFTER INSERT ON violations
WHEN NEW.mode IN ('audit', 'warn') AND json_valid(NEW.actions) BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT NEW.occurred_at / 86400000, NEW.policy_id, NEW.rule_id, COALESCE(NEW.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), 1
    FROM json_each(NEW.actions) a WHERE NEW.mode = 'audit' OR json_extract(a.value, '$.outcome') = 'would-run'
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_audit_update AFTER UPDATE OF actions, mode, occurred_at, policy_id, rule_id, team_id ON violations BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT OLD.occurred_at / 86400000, OLD.policy_id, OLD.rule_id, COALESCE(OLD.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), -1
    FROM json_each(CASE WHEN OLD.mode IN ('audit', 'warn') AND json_valid(OLD.actions) THEN OLD.actions ELSE '[]' END) a
    WHERE OLD.mode = 'audit' OR json_extract(a.value, '$.outcome') = 'would-run'
  ON CONFLICT DO UPDATE SET count = count - 1;
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT NEW.occurred_at / 86400000, NEW.policy_id, NEW.rule_id, COALESCE(NEW.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), 1
    FROM json_each(CASE WHEN NEW.mode IN ('audit', 'warn') AND json_valid(NEW.actions) THEN NEW.actions ELSE '[]' END) a
    WHERE NEW.mode = 'audit' OR json_extract(a.value, '$.outcome') = 'would-run'
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_audit_delete AFTER DELETE ON violations
WHEN OLD.mode IN ('audit', 'warn') AND json_valid(OLD.actions) BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT OLD.occurred_at / 86400000, OLD.policy_id, OLD.rule_id, COALESCE(OLD.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), -1
    FROM json_each(OLD.actions) a WHERE OLD.mode = 'audit' OR json_extract(a.value, '$.outcome') = 'would-run'
  ON CONFLICT DO UPDATE SET count = count - 1;
END;

-- 2. The policy set's versions as the engine ran them. The set is bundled at deploy/start time; the first run of a set
--    whose key differs from the last recorded one writes one row (INSERT OR IGNORE on a deterministic id: many isolates
--    may see the new set at once) with who and when from the bundle (git), and one row per rule that changed.
CREATE TABLE policy_set_versions (
  id             TEXT PRIMARY KEY,          -- hash(set_key, bundled_at, previous_id): one row per activation of a set
  set_key        TEXT NOT NULL,             -- hash(set version, POLICY_MODE_OVERRIDE): what the engine ran
  set_version    TEXT NOT NULL,             -- hash over the policy versions (as on `policies reloaded … (set …)`)
  previous_id    TEXT,                      -- the version it replaced; null for the first one recorded
  mode_override  TEXT,                      -- POLICY_MODE_OVERRIDE in force, if any
  first_run_at   INTEGER NOT NULL,          -- when the engine first ran it (epoch ms)
  bundled_at     INTEGER,                   -- when `generate` bundled it; null when the files didn't come from the bundle
  commit_sha     TEXT,                      -- last commit touching policies/ at bundle time
  commit_author  TEXT,
  committed_at   INTEGER,
  commit_subject TEXT,
  dirty          INTEGER NOT NULL DEFAULT 0, -- policies/ had uncommitted edits when bundled
  bundled_by     TEXT,                      -- git user.name of whoever bundled it
  rules          TEXT NOT NULL,             -- JSON: every rule as it ran ({ policyId, ruleId, policyVersion, mode, text })
  files          TEXT NOT NULL DEFAULT '[]' -- JSON: the policy files as they ran ({ path, text }): a change is back-tested from them
);
CREATE INDEX policy_set_versions_time ON policy_set_versions (first_run_at DESC, id);

CREATE TABLE policy_rule_changes (
  version_id  TEXT NOT NULL,
  policy_id   TEXT NOT NULL,
  rule_id     TEXT NOT NULL,
  kind        TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'mode', 'text', 'mode+text')),
  mode_before TEXT,
  mode_after  TEXT,
  text_before TEXT,
  text_after  TEXT,
  first_run_at INTEGER NOT NULL,
  PRIMARY KEY (version_id, policy_id, rule_id)
) WITHOUT ROWID;
CREATE INDEX policy_rule_changes_policy ON policy_rule_changes (policy_id, first_run_at DESC);

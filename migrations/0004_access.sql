-- Managers' view: API tokens, browser sessions, and the indexes the violation/summary/rep queries need.

-- API tokens: only the sha-256 of the token is stored; the token itself is shown once at creation.
CREATE TABLE api_tokens (
  id            TEXT PRIMARY KEY,             -- random, e.g. tok_xxxxxxxx
  name          TEXT NOT NULL UNIQUE,
  role          TEXT NOT NULL CHECK (role IN ('admin','manager')),
  teams         TEXT,                         -- JSON array of team ids; NULL = all teams
  token_hash    TEXT NOT NULL UNIQUE,         -- sha-256 hex of the full token string
  created_at    INTEGER NOT NULL,             -- epoch ms
  expires_at    INTEGER,                      -- epoch ms; NULL = never
  revoked_at    INTEGER,
  last_used_at  INTEGER
);

-- Browser sessions: the cookie carries a random secret; only its hash is stored so a DB leak can't be replayed.
CREATE TABLE sessions (
  id_hash       TEXT PRIMARY KEY,             -- sha-256 hex of the cookie value
  token_id      TEXT NOT NULL REFERENCES api_tokens(id),
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  revoked_at    INTEGER
);
CREATE INDEX sessions_token ON sessions (token_id);

-- Summary scans a time window and groups by several columns: one covering index keeps it off the table.
CREATE INDEX violations_summary ON violations
  (occurred_at, status, owner_id, team_id, policy_id, rule_id, to_stage, mode, time_to_fix_ms);
-- Team-limited managers' summaries and lists.
CREATE INDEX violations_team_summary ON violations
  (team_id, occurred_at, status, owner_id, policy_id, rule_id, to_stage, mode, time_to_fix_ms);
-- Low-cardinality filters that can be rare (critical, enforce) still page as an index range.
CREATE INDEX violations_severity_time ON violations (severity, occurred_at DESC, id DESC);
CREATE INDEX violations_mode_time     ON violations (mode, occurred_at DESC, id DESC);
CREATE INDEX violations_pipeline_time ON violations (pipeline_id, occurred_at DESC, id DESC);
-- Policy page: hits per rule and mode, versions seen (covering).
CREATE INDEX violations_policy_mode   ON violations (policy_id, occurred_at, rule_id, mode, status, policy_version, team_id);

-- Rep page and summary compliance share read transitions by owner/time and by time.
CREATE INDEX stage_transitions_owner_cover ON stage_transitions
  (owner_id, occurred_at, pipeline_id, from_stage, to_stage, deal_id, compliant, time_in_from_ms, to_index, to_is_won);
CREATE INDEX stage_transitions_time_cover ON stage_transitions (occurred_at, compliant, team_id);

-- Daily rollups for the summary, kept by triggers so summaries cost the same at 10k or 10M violations.
-- dim 'owner': k1 = owner_id; 'team': k1 = ''; 'rule': k1 = policy_id, k2 = rule_id; 'stage': k1 = to_stage.
-- NULL ids are stored as '' (primary-key columns); day = occurred_at / 86400000 (UTC days). team_id '*' rows
-- (dims team, rule, stage) total all teams, so unrestricted summaries read 20x fewer rows.
CREATE TABLE violation_rollup (
  dim       TEXT NOT NULL,
  day       INTEGER NOT NULL,
  team_id   TEXT NOT NULL,
  k1        TEXT NOT NULL,
  k2        TEXT NOT NULL,
  open      INTEGER NOT NULL DEFAULT 0,
  resolved  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (dim, day, team_id, k1, k2)
) WITHOUT ROWID;

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

-- Stage changes per UTC day and team: the summary's share of compliant stage changes.
CREATE TABLE transition_rollup (
  day        INTEGER NOT NULL,
  team_id    TEXT NOT NULL,
  total      INTEGER NOT NULL DEFAULT 0,
  compliant  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, team_id)
) WITHOUT ROWID;

CREATE TRIGGER transitions_rollup_insert AFTER INSERT ON stage_transitions BEGIN
  INSERT INTO transition_rollup (day, team_id, total, compliant) VALUES (NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), 1, NEW.compliant)
  ON CONFLICT DO UPDATE SET total = total + excluded.total, compliant = compliant + excluded.compliant;
END;

CREATE TRIGGER transitions_rollup_update AFTER UPDATE OF compliant, occurred_at, team_id ON stage_transitions BEGIN
  INSERT INTO transition_rollup (day, team_id, total, compliant) VALUES (OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), -1, -OLD.compliant)
  ON CONFLICT DO UPDATE SET total = total + excluded.total, compliant = compliant + excluded.compliant;
  INSERT INTO transition_rollup (day, team_id, total, compliant) VALUES (NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), 1, NEW.compliant)
  ON CONFLICT DO UPDATE SET total = total + excluded.total, compliant = compliant + excluded.compliant;
END;

CREATE TRIGGER transitions_rollup_delete AFTER DELETE ON stage_transitions BEGIN
  INSERT INTO transition_rollup (day, team_id, total, compliant) VALUES (OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), -1, -OLD.compliant)
  ON CONFLICT DO UPDATE SET total = total + excluded.total, compliant = compliant + excluded.compliant;
END;

-- Backfill for rows written before this migration (a no-op on a fresh database). WHERE true: SQLite's
-- INSERT … SELECT … ON CONFLICT needs it to parse.
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'owner', occurred_at / 86400000, COALESCE(team_id, ''), COALESCE(owner_id, ''), '', SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 3, 4
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'team', occurred_at / 86400000, COALESCE(team_id, ''), '', '', SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 3
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'rule', occurred_at / 86400000, COALESCE(team_id, ''), policy_id, rule_id, SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 3, 4, 5
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'stage', occurred_at / 86400000, COALESCE(team_id, ''), COALESCE(to_stage, ''), '', SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 3, 4
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'team', occurred_at / 86400000, '*', '', '', SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'rule', occurred_at / 86400000, '*', policy_id, rule_id, SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 4, 5
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO violation_rollup (dim, day, team_id, k1, k2, open, resolved)
  SELECT 'stage', occurred_at / 86400000, '*', COALESCE(to_stage, ''), '', SUM(status = 'open'), SUM(status = 'resolved') FROM violations WHERE true GROUP BY 2, 4
  ON CONFLICT DO UPDATE SET open = open + excluded.open, resolved = resolved + excluded.resolved;
INSERT INTO transition_rollup (day, team_id, total, compliant)
  SELECT occurred_at / 86400000, COALESCE(team_id, ''), COUNT(*), SUM(compliant) FROM stage_transitions WHERE true GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET total = total + excluded.total, compliant = compliant + excluded.compliant;

-- Time-to-fix histogram per UTC day: key = whole minutes rounded down to 2 significant digits (exact below 10).
-- The summary's median reads this instead of sorting every resolved violation in the window.
CREATE TABLE fix_rollup (
  day    INTEGER NOT NULL,
  bucket INTEGER NOT NULL,
  count  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, bucket)
) WITHOUT ROWID;

CREATE TRIGGER violations_fix_insert AFTER INSERT ON violations
WHEN NEW.status = 'resolved' AND NEW.time_to_fix_ms IS NOT NULL BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT NEW.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, 1
    FROM (SELECT MAX(0, NEW.time_to_fix_ms / 60000) AS m) WHERE true
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_fix_update AFTER UPDATE OF status, time_to_fix_ms, occurred_at ON violations BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT OLD.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, -1
    FROM (SELECT MAX(0, OLD.time_to_fix_ms / 60000) AS m) WHERE OLD.status = 'resolved' AND OLD.time_to_fix_ms IS NOT NULL
  ON CONFLICT DO UPDATE SET count = count - 1;
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT NEW.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, 1
    FROM (SELECT MAX(0, NEW.time_to_fix_ms / 60000) AS m) WHERE NEW.status = 'resolved' AND NEW.time_to_fix_ms IS NOT NULL
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_fix_delete AFTER DELETE ON violations
WHEN OLD.status = 'resolved' AND OLD.time_to_fix_ms IS NOT NULL BEGIN
  INSERT INTO fix_rollup (day, bucket, count)
    SELECT OLD.occurred_at / 86400000, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, -1
    FROM (SELECT MAX(0, OLD.time_to_fix_ms / 60000) AS m) WHERE true
  ON CONFLICT DO UPDATE SET count = count - 1;
END;

INSERT INTO fix_rollup (day, bucket, count)
  SELECT day, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, COUNT(*)
  FROM (SELECT occurred_at / 86400000 AS day, MAX(0, time_to_fix_ms / 60000) AS m FROM violations WHERE status = 'resolved' AND time_to_fix_ms IS NOT NULL)
  WHERE true GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET count = count + excluded.count;

-- Audit-mode planned actions per UTC day, policy, rule, team and action type: "what enforce would have done".
CREATE TABLE audit_action_rollup (
  day        INTEGER NOT NULL,
  policy_id  TEXT NOT NULL,
  rule_id    TEXT NOT NULL,
  team_id    TEXT NOT NULL,
  action     TEXT NOT NULL,
  count      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (policy_id, day, team_id, rule_id, action)
) WITHOUT ROWID;

CREATE TRIGGER violations_audit_insert AFTER INSERT ON violations
WHEN NEW.mode = 'audit' AND json_valid(NEW.actions) BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT NEW.occurred_at / 86400000, NEW.policy_id, NEW.rule_id, COALESCE(NEW.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), 1
    FROM json_each(NEW.actions) a WHERE true
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_audit_update AFTER UPDATE OF actions, mode, occurred_at, policy_id, rule_id, team_id ON violations BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT OLD.occurred_at / 86400000, OLD.policy_id, OLD.rule_id, COALESCE(OLD.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), -1
    FROM json_each(CASE WHEN OLD.mode = 'audit' AND json_valid(OLD.actions) THEN OLD.actions ELSE '[]' END) a WHERE true
  ON CONFLICT DO UPDATE SET count = count - 1;
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT NEW.occurred_at / 86400000, NEW.policy_id, NEW.rule_id, COALESCE(NEW.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), 1
    FROM json_each(CASE WHEN NEW.mode = 'audit' AND json_valid(NEW.actions) THEN NEW.actions ELSE '[]' END) a WHERE true
  ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER violations_audit_delete AFTER DELETE ON violations
WHEN OLD.mode = 'audit' AND json_valid(OLD.actions) BEGIN
  INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
    SELECT OLD.occurred_at / 86400000, OLD.policy_id, OLD.rule_id, COALESCE(OLD.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), -1
    FROM json_each(OLD.actions) a WHERE true
  ON CONFLICT DO UPDATE SET count = count - 1;
END;

INSERT INTO audit_action_rollup (day, policy_id, rule_id, team_id, action, count)
  SELECT v.occurred_at / 86400000, v.policy_id, v.rule_id, COALESCE(v.team_id, ''), COALESCE(json_extract(a.value, '$.type'), 'unknown'), COUNT(*)
  FROM violations v, json_each(CASE WHEN json_valid(v.actions) THEN v.actions ELSE '[]' END) a WHERE v.mode = 'audit' GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT DO UPDATE SET count = count + excluded.count;

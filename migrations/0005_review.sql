-- Managers' review and coaching: rollups for compliance and data completeness per day, team and owner (kept by
-- triggers, like 0004's), so weekly/monthly trend series are one grouped read of at most days × owners rows.

-- Stage changes per UTC day, team and owner. Creations (from_stage IS NULL) and moves are kept apart so the
-- compliance definition (src/store/figures.ts) can include or exclude creations without a migration.
CREATE TABLE stage_change_rollup (
  day                  INTEGER NOT NULL,
  team_id              TEXT NOT NULL,             -- '' when unknown
  owner_id             TEXT NOT NULL,             -- '' when unknown
  creations            INTEGER NOT NULL DEFAULT 0,
  creations_compliant  INTEGER NOT NULL DEFAULT 0,
  moves                INTEGER NOT NULL DEFAULT 0,
  moves_compliant      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, day, owner_id)
) WITHOUT ROWID;
CREATE INDEX stage_change_rollup_owner ON stage_change_rollup (owner_id, day);

CREATE TRIGGER stage_change_rollup_insert AFTER INSERT ON stage_transitions BEGIN
  INSERT INTO stage_change_rollup (day, team_id, owner_id, creations, creations_compliant, moves, moves_compliant) VALUES (
    NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.owner_id, ''),
    NEW.from_stage IS NULL, NEW.from_stage IS NULL AND NEW.compliant = 1, NEW.from_stage IS NOT NULL, NEW.from_stage IS NOT NULL AND NEW.compliant = 1)
  ON CONFLICT DO UPDATE SET creations = creations + excluded.creations, creations_compliant = creations_compliant + excluded.creations_compliant,
    moves = moves + excluded.moves, moves_compliant = moves_compliant + excluded.moves_compliant;
END;

CREATE TRIGGER stage_change_rollup_update AFTER UPDATE OF compliant, occurred_at, team_id, owner_id, from_stage ON stage_transitions BEGIN
  INSERT INTO stage_change_rollup (day, team_id, owner_id, creations, creations_compliant, moves, moves_compliant) VALUES (
    OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.owner_id, ''),
    -(OLD.from_stage IS NULL), -(OLD.from_stage IS NULL AND OLD.compliant = 1), -(OLD.from_stage IS NOT NULL), -(OLD.from_stage IS NOT NULL AND OLD.compliant = 1))
  ON CONFLICT DO UPDATE SET creations = creations + excluded.creations, creations_compliant = creations_compliant + excluded.creations_compliant,
    moves = moves + excluded.moves, moves_compliant = moves_compliant + excluded.moves_compliant;
  INSERT INTO stage_change_rollup (day, team_id, owner_id, creations, creations_compliant, moves, moves_compliant) VALUES (
    NEW.occurred_at / 86400000, COALESCE(NEW.team_id, ''), COALESCE(NEW.owner_id, ''),
    NEW.from_stage IS NULL, NEW.from_stage IS NULL AND NEW.compliant = 1, NEW.from_stage IS NOT NULL, NEW.from_stage IS NOT NULL AND NEW.compliant = 1)
  ON CONFLICT DO UPDATE SET creations = creations + excluded.creations, creations_compliant = creations_compliant + excluded.creations_compliant,
    moves = moves + excluded.moves, moves_compliant = moves_compliant + excluded.moves_compliant;
END;

CREATE TRIGGER stage_change_rollup_delete AFTER DELETE ON stage_transitions BEGIN
  INSERT INTO stage_change_rollup (day, team_id, owner_id, creations, creations_compliant, moves, moves_compliant) VALUES (
    OLD.occurred_at / 86400000, COALESCE(OLD.team_id, ''), COALESCE(OLD.owner_id, ''),
    -(OLD.from_stage IS NULL), -(OLD.from_stage IS NULL AND OLD.compliant = 1), -(OLD.from_stage IS NOT NULL), -(OLD.from_stage IS NOT NULL AND OLD.compliant = 1))
  ON CONFLICT DO UPDATE SET creations = creations + excluded.creations, creations_compliant = creations_compliant + excluded.creations_compliant,
    moves = moves + excluded.moves, moves_compliant = moves_compliant + excluded.moves_compliant;
END;

-- Data completeness: the stage changes that lacked required data (a violation listing missing fields). One row per
-- change, however many rules found something missing, so "incomplete changes / changes" stays a share.
CREATE TABLE incomplete_changes (
  deal_id      TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  team_id      TEXT NOT NULL,
  owner_id     TEXT NOT NULL,
  PRIMARY KEY (deal_id, occurred_at)
) WITHOUT ROWID;

CREATE TABLE incomplete_rollup (
  day       INTEGER NOT NULL,
  team_id   TEXT NOT NULL,
  owner_id  TEXT NOT NULL,
  changes   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (team_id, day, owner_id)
) WITHOUT ROWID;
CREATE INDEX incomplete_rollup_owner ON incomplete_rollup (owner_id, day);

CREATE TRIGGER incomplete_changes_insert AFTER INSERT ON incomplete_changes BEGIN
  INSERT INTO incomplete_rollup (day, team_id, owner_id, changes) VALUES (NEW.occurred_at / 86400000, NEW.team_id, NEW.owner_id, 1)
  ON CONFLICT DO UPDATE SET changes = changes + 1;
END;
CREATE TRIGGER incomplete_changes_delete AFTER DELETE ON incomplete_changes BEGIN
  INSERT INTO incomplete_rollup (day, team_id, owner_id, changes) VALUES (OLD.occurred_at / 86400000, OLD.team_id, OLD.owner_id, -1)
  ON CONFLICT DO UPDATE SET changes = changes - 1;
END;

-- Only violations tied to a stage change (to_stage set) with a non-empty missing list count.
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

-- Conversion asks, per stage entry, whether the deal later reached a later stage: answered from this index alone.
CREATE INDEX stage_transitions_deal_reach ON stage_transitions (deal_id, occurred_at, to_is_won, to_is_closed, to_index, pipeline_id);

-- The weekly review's "fixed this week" reads violations by resolution time.
CREATE INDEX violations_team_resolved ON violations (team_id, resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX close_date_changes_team_time ON close_date_changes (team_id, occurred_at);
CREATE INDEX close_date_changes_deal ON close_date_changes (deal_id, occurred_at);

-- Backfill for rows written before this migration (a no-op on a fresh database).
INSERT INTO stage_change_rollup (day, team_id, owner_id, creations, creations_compliant, moves, moves_compliant)
  SELECT occurred_at / 86400000, COALESCE(team_id, ''), COALESCE(owner_id, ''), SUM(from_stage IS NULL), SUM(from_stage IS NULL AND compliant = 1),
    SUM(from_stage IS NOT NULL), SUM(from_stage IS NOT NULL AND compliant = 1)
  FROM stage_transitions WHERE true GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET creations = creations + excluded.creations, creations_compliant = creations_compliant + excluded.creations_compliant,
    moves = moves + excluded.moves, moves_compliant = moves_compliant + excluded.moves_compliant;
INSERT OR IGNORE INTO incomplete_changes (deal_id, occurred_at, team_id, owner_id)
  SELECT deal_id, occurred_at, COALESCE(team_id, ''), COALESCE(owner_id, '') FROM violations
  WHERE to_stage IS NOT NULL AND json_valid(missing) AND json_array_length(missing) > 0;

-- A revert is the engine's doing and a merge closes a violation without anyone fixing it: neither is "fixed by a
-- person". Time-to-fix (fix_rollup and the exact median) counts only people's fixes, and resolutions are counted by
-- kind — 'person' (anyone or anything in HubSpot: a rep, a manager, their workflows), 'engine' (resolved_by
-- 'engine:…', e.g. engine:revert) and 'merge' (resolved_by 'merged:<deal>').

DROP TRIGGER violations_fix_insert;
DROP TRIGGER violations_fix_update;
DROP TRIGGER violations_fix_delete;

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

DELETE FROM fix_rollup;
INSERT INTO fix_rollup (day, bucket, count)
  SELECT day, CASE WHEN m < 10 THEN m ELSE CAST(substr(m, 1, 2) || substr('0000000000000', 1, length(m) - 2) AS INTEGER) END, COUNT(*)
  FROM (SELECT occurred_at / 86400000 AS day, MAX(0, time_to_fix_ms / 60000) AS m FROM violations
        WHERE status = 'resolved' AND time_to_fix_ms IS NOT NULL
          AND COALESCE(resolved_by, '') NOT LIKE 'engine:%' AND COALESCE(resolved_by, '') NOT LIKE 'merged:%')
  WHERE true GROUP BY 1, 2
  ON CONFLICT DO UPDATE SET count = count + excluded.count;

-- Resolved violations per UTC day (of the violating change, like the other rollups), team and kind. team_id '*'
-- rows hold every team, so unrestricted callers read one row per day and kind.
CREATE TABLE resolution_rollup (
  day     INTEGER NOT NULL,
  team_id TEXT NOT NULL,
  kind    TEXT NOT NULL CHECK (kind IN ('person', 'engine', 'merge')),
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, team_id, kind)
) WITHOUT ROWID;

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

INSERT INTO resolution_rollup (day, team_id, kind, count)
  SELECT v.occurred_at / 86400000, t.value,
         CASE WHEN v.resolved_by LIKE 'engine:%' THEN 'engine' WHEN v.resolved_by LIKE 'merged:%' THEN 'merge' ELSE 'person' END, COUNT(*)
  FROM violations v, json_each(json_array(COALESCE(v.team_id, ''), '*')) t WHERE v.status = 'resolved' GROUP BY 1, 2, 3
  ON CONFLICT DO UPDATE SET count = count + excluded.count;

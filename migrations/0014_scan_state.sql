-- The scheduled scan of open deals (scan rules): one row per portal. A pass walks the open deals in hs_object_id order
-- a few pages per cron run; `cursor` is the last deal id done, so a big portal is covered over several runs and a
-- stopped run resumes where it was. `lease_until` keeps two runs (a slow one and the next tick) off the same pages.
CREATE TABLE scan_state (
  portal_id          TEXT PRIMARY KEY,
  cursor             TEXT NOT NULL DEFAULT '',  -- last hs_object_id scanned in this pass ('' = the pass starts over)
  pass_started_at    INTEGER,                   -- epoch ms
  pass_scanned       INTEGER NOT NULL DEFAULT 0, -- deals scanned so far in this pass
  last_pass_at       INTEGER,                   -- epoch ms the last complete pass finished
  last_pass_scanned  INTEGER,                   -- deals that pass covered
  lease_until        INTEGER NOT NULL DEFAULT 0,
  updated_at         INTEGER NOT NULL
);

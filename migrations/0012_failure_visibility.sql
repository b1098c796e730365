-- Nothing pending is forgotten, and what finally failed can be replayed (issues 16.5, 11.3).
-- A cron sweep re-sends inbox rows still `pending` past the queue's retry horizon; `sweeps` bounds how often.
ALTER TABLE inbox_events ADD COLUMN swept_at INTEGER;
ALTER TABLE inbox_events ADD COLUMN sweeps INTEGER NOT NULL DEFAULT 0;
-- `npm run ops -- replay-dead-letters` asks for a replay (replay_requested_at); the cron (or the admin API) re-sends
-- the message's events and notes when (replayed_at) or why it couldn't (replay_error).
ALTER TABLE dead_letters ADD COLUMN replay_requested_at INTEGER;
ALTER TABLE dead_letters ADD COLUMN replayed_at INTEGER;
ALTER TABLE dead_letters ADD COLUMN replay_error TEXT;
CREATE INDEX dead_letters_replay ON dead_letters (replay_requested_at) WHERE replayed_at IS NULL;

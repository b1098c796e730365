-- Every deal change the engine judged, as it judged it: the values and association counts as of the change, the actor,
-- the stage it came from. A back-test (`npm run policies -- backtest`) replays these rows through a draft policy set,
-- so its verdicts are the engine's own for the same input. Written by enforcement's record step; never updated.
CREATE TABLE judged_changes (
  id           TEXT PRIMARY KEY,                 -- hash(deal_id, occurred_at, kind): a retried run inserts nothing new
  portal_id    INTEGER NOT NULL,
  deal_id      TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,                 -- HubSpot's time of the change (epoch ms)
  change       TEXT NOT NULL,                    -- JSON: { change: DealChange, stageMoved, fromEnteredAt }
  recorded_at  INTEGER NOT NULL
);
CREATE INDEX judged_changes_time ON judged_changes (occurred_at);
CREATE INDEX judged_changes_deal ON judged_changes (deal_id, occurred_at);

-- Each deal's associations over time. HubSpot keeps no association history: the only record of when a contact, company
-- or line item was added or removed is the deal.associationChange webhook. Rows come from those events and from a
-- snapshot of the deal's associations taken when the engine first needs them for a deal (association_coverage).
CREATE TABLE association_timeline (
  id           TEXT PRIMARY KEY,                 -- hash(deal_id, kind, to_id, occurred_at, removed, source)
  deal_id      TEXT NOT NULL,
  kind         TEXT NOT NULL CHECK (kind IN ('contacts','companies','line_items')),
  to_id        TEXT NOT NULL,
  removed      INTEGER NOT NULL DEFAULT 0,       -- 1: the association was removed at occurred_at
  occurred_at  INTEGER NOT NULL,                 -- HubSpot time of the event, or when the snapshot was read
  source       TEXT NOT NULL CHECK (source IN ('event','snapshot'))
);
CREATE INDEX association_timeline_deal ON association_timeline (deal_id, occurred_at);

-- When the timeline of a (deal, kind) starts: the snapshot's time. Before it, counts are reconstructed from the
-- snapshot by undoing the association changes seen since, and the trace says so.
CREATE TABLE association_coverage (
  deal_id      TEXT NOT NULL,
  kind         TEXT NOT NULL,
  snapshot_at  INTEGER NOT NULL,
  PRIMARY KEY (deal_id, kind)
);

-- Inbox: every HubSpot event stored once, keyed on a hash of its content (eventId alone is not unique).
CREATE TABLE inbox_events (
  hash              TEXT PRIMARY KEY,          -- sha-256 hex of the canonical event (attemptNumber excluded)
  event_id          TEXT NOT NULL,
  portal_id         INTEGER NOT NULL,
  subscription_type TEXT NOT NULL,
  object_id         TEXT NOT NULL,
  property_name     TEXT,
  occurred_at       INTEGER NOT NULL,          -- epoch ms, from HubSpot
  received_at       INTEGER NOT NULL,          -- epoch ms, first time we stored it
  attempt_number    INTEGER NOT NULL,
  deliveries        INTEGER NOT NULL DEFAULT 1, -- how many times HubSpot sent it (redeliveries counted, not stored)
  status            TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','processed','ignored','dropped')),
  status_reason     TEXT,
  processed_at      INTEGER,
  payload           TEXT NOT NULL              -- the raw event JSON, kept for replay/back-testing
);
CREATE INDEX inbox_events_object ON inbox_events (object_id, occurred_at);
CREATE INDEX inbox_events_received ON inbox_events (received_at);
CREATE INDEX inbox_events_status ON inbox_events (status, received_at);

-- Counters for what the ingress accepted but deliberately did not process (other portal, unhandled type).
CREATE TABLE ingress_counters (
  day     TEXT NOT NULL,                       -- YYYY-MM-DD (UTC)
  reason  TEXT NOT NULL,                       -- e.g. 'other_portal', 'unhandled_type'
  count   INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, reason)
);

-- What finally failed after every retry: nothing is silently dropped.
CREATE TABLE dead_letters (
  id          TEXT PRIMARY KEY,                -- queue message id
  queue       TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  body        TEXT NOT NULL,
  error       TEXT,
  failed_at   INTEGER NOT NULL
);

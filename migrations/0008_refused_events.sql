-- Events the ingress refused one by one (nested too deep, too large, not a HubSpot event) while accepting the valid
-- events of the same delivery. Kept so that nothing a signed delivery carried is lost without a record.
CREATE TABLE refused_events (
  hash               TEXT PRIMARY KEY,            -- sha-256 of the canonical JSON without attemptNumber: HubSpot's retries are one row
  reason             TEXT NOT NULL,               -- JSON_TOO_DEEP | EVENT_TOO_LARGE | INVALID_EVENTS
  field              TEXT NOT NULL,               -- the wrong field, e.g. [3].portalId
  message            TEXT NOT NULL,
  event_id           TEXT,                        -- top-level ids when they were readable, to find the deal
  portal_id          TEXT,
  object_id          TEXT,
  subscription_type  TEXT,
  payload            TEXT NOT NULL,               -- the event as canonical JSON (plain text: never read with JSON functions)
  bytes              INTEGER NOT NULL,            -- the payload's full size in UTF-8 bytes
  truncated          INTEGER NOT NULL DEFAULT 0,  -- 1 when only the payload's first part is kept (over 256 KiB)
  deliveries         INTEGER NOT NULL DEFAULT 1,
  first_seen_at      INTEGER NOT NULL,
  last_seen_at       INTEGER NOT NULL
);
CREATE INDEX refused_events_last_seen ON refused_events (last_seen_at);

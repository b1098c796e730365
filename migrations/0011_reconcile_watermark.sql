-- Reconciliation's watermark per portal: it never judges a change older than the engine's installation (the first
-- event or run it saw) or than the point the last run reconciled up to.
CREATE TABLE reconcile_state (
  portal_id     TEXT PRIMARY KEY,
  installed_at  INTEGER NOT NULL,             -- epoch ms: the earliest stored event, or the first run
  watermark     INTEGER NOT NULL,             -- epoch ms: changes at or before it are reconciled
  updated_at    INTEGER NOT NULL
);

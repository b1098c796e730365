// What failed and what is still waiting: stale pending inbox rows (for the sweep and the admin view), dead letters
// and their replay bookkeeping. Reads follow the verb rule (`list`, `get`); writes are idempotent. Never serves HTTP.

export interface StalePendingRow {
  hash: string;
  payload: string;
  receivedAt: number;
}

/**
 * Pending rows received before `cutoff` that were never swept, or swept before `cutoff` and fewer than `maxSweeps`
 * times, oldest first.
 */
export async function listStalePending(db: D1Database, cutoff: number, maxSweeps: number, limit: number): Promise<StalePendingRow[]> {
  const { results } = await db
    .prepare(
      `SELECT hash, payload, received_at AS receivedAt FROM inbox_events
       WHERE status = 'pending' AND received_at < ?1 AND sweeps < ?2 AND (swept_at IS NULL OR swept_at < ?1)
       ORDER BY received_at LIMIT ?3`,
    )
    .bind(cutoff, maxSweeps, limit)
    .all<StalePendingRow>();
  return results;
}

export async function markSwept(db: D1Database, hashes: string[], now: number): Promise<void> {
  if (hashes.length === 0) return;
  await db
    .prepare(`UPDATE inbox_events SET swept_at = ?2, sweeps = sweeps + 1 WHERE status = 'pending' AND hash IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(hashes), now)
    .run();
}

export interface PendingSummary {
  count: number;
  oldestReceivedAt: number | null;
  reasons: Array<{ reason: string | null; count: number; oldestReceivedAt: number; sweeps: number }>;
}

/** Pending inbox rows older than `olderThan`: how many, the oldest, and grouped by their last recorded failure. */
export async function getPendingSummary(db: D1Database, olderThan: number): Promise<PendingSummary> {
  const { results } = await db
    .prepare(
      `SELECT status_reason AS reason, COUNT(*) AS count, MIN(received_at) AS oldestReceivedAt, MAX(sweeps) AS sweeps
       FROM inbox_events WHERE status = 'pending' AND received_at < ?1 GROUP BY status_reason ORDER BY count DESC LIMIT 50`,
    )
    .bind(olderThan)
    .all<{ reason: string | null; count: number; oldestReceivedAt: number; sweeps: number }>();
  const count = results.reduce((n, r) => n + r.count, 0);
  const oldest = results.reduce<number | null>((m, r) => (m === null || r.oldestReceivedAt < m ? r.oldestReceivedAt : m), null);
  return { count, oldestReceivedAt: oldest, reasons: results };
}

export interface DeadLetterItem {
  id: string;
  queue: string;
  attempts: number;
  error: string | null;
  failedAt: number;
  events: number | null;
  replayRequestedAt: number | null;
  replayedAt: number | null;
  replayError: string | null;
}

/** Dead letters, newest first, with how many events each carried (null when its body isn't an events message). */
export async function listDeadLetterItems(db: D1Database, limit: number): Promise<{ total: number; items: DeadLetterItem[] }> {
  const [total, rows] = await db.batch<{ n: number } & DeadLetterItem>([
    db.prepare("SELECT COUNT(*) AS n FROM dead_letters"),
    db
      .prepare(
        `SELECT id, queue, attempts, error, failed_at AS failedAt,
           CASE WHEN json_valid(body) AND json_type(body, '$.events') = 'array' THEN json_array_length(body, '$.events') END AS events,
           replay_requested_at AS replayRequestedAt, replayed_at AS replayedAt, replay_error AS replayError
         FROM dead_letters ORDER BY failed_at DESC, id LIMIT ?1`,
      )
      .bind(limit),
  ]);
  return { total: total?.results[0]?.n ?? 0, items: (rows?.results ?? []).map(({ n: _n, ...item }) => item) };
}

/** Asks for every not-yet-replayed dead letter to be replayed; returns how many were asked. */
export async function requestDeadLetterReplay(db: D1Database, now: number): Promise<number> {
  const r = await db.prepare("UPDATE dead_letters SET replay_requested_at = ?1, replay_error = NULL WHERE replayed_at IS NULL").bind(now).run();
  return r.meta.changes;
}

/** Dead letters whose replay was asked for and not done yet. */
export async function listReplayRequested(db: D1Database, limit: number): Promise<Array<{ id: string; body: string }>> {
  const { results } = await db
    .prepare("SELECT id, body FROM dead_letters WHERE replay_requested_at IS NOT NULL AND replayed_at IS NULL AND replay_error IS NULL ORDER BY failed_at LIMIT ?1")
    .bind(limit)
    .all<{ id: string; body: string }>();
  return results;
}

export async function markReplayed(db: D1Database, id: string, now: number, error: string | null): Promise<void> {
  await db
    .prepare("UPDATE dead_letters SET replayed_at = CASE WHEN ?3 IS NULL THEN ?2 ELSE replayed_at END, replay_error = ?3 WHERE id = ?1")
    .bind(id, now, error)
    .run();
}

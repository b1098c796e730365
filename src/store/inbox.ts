// inbox_events: every HubSpot event stored once (keyed on its content hash), redeliveries counted, raw payload
// kept for replay. One statement per call, rows passed as one JSON parameter (D1 caps bound parameters at 100).
import { ingressCounterStatement } from "./ingress-counters";
import { rowsForDeals } from "./rows-for-deals";

export type InboxStatus = "pending" | "processed" | "ignored" | "dropped";

export interface InboxRow {
  hash: string;
  eventId: string;
  portalId: string;
  subscriptionType: string;
  objectId: string;
  propertyName: string | null;
  occurredAt: number;
  /** When the ingress accepted the delivery that carried it (epoch ms). */
  receivedAt: number;
  /** UTC day of receivedAt (YYYY-MM-DD): the ingress_counters day. */
  receivedDay: string;
  attemptNumber: number;
  /** How many times this content appeared in what is being stored (duplicates inside one batch). */
  copies: number;
  /**
   * false when the row came from a retried queue message: its deliveries were counted by the first attempt,
   * so an existing row's `deliveries` is left alone.
   */
  countDeliveries: boolean;
  status: "pending" | "ignored";
  /** Why an event is ignored (other_portal, unhandled_type): also the ingress_counters reason. */
  reason: string | null;
  /** The event as received; stored as JSON text (passed as an object to avoid encoding it twice). */
  payload: Record<string, unknown>;
}

// Rows per D1 call. Local D1 (wrangler dev, tests) runs SQLite on the Worker's own thread, so one huge write
// would stall every request meanwhile; ~100 rows keeps each call short. The byte cap keeps every JSON
// parameter far below D1's 2 MB string limit.
const ROWS_PER_CALL = 100;
const MAX_PARAM_BYTES = 512 * 1024;

/**
 * Inserts rows that are new, adds their copies to `deliveries` for rows already there (unless the row says
 * not to), and counts newly seen ignored events in ingress_counters. Each chunk of rows is one atomic D1 batch;
 * a retry after a partial failure is safe (existing rows are neither re-inserted nor re-counted). Returns every
 * row's status after the write. Throws on D1 failure (the consumer retries the message).
 */
export async function storeInboxEvents(db: D1Database, rows: InboxRow[]): Promise<Map<string, InboxStatus>> {
  const statuses = new Map<string, InboxStatus>();
  for (const chunk of chunkRows(rows)) {
    const json = `[${chunk.map((c) => c.json).join(",")}]`;
    const statements: D1PreparedStatement[] = [];
    // The counter runs first so it can still see which hashes are not yet in the inbox.
    const ignored = chunk.filter((c) => c.row.reason !== null);
    if (ignored.length > 0) {
      // Only what the counter needs: re-parsing the payloads in SQL would cost as much as the insert.
      const slim = ignored.map(({ row }) => ({ hash: row.hash, reason: row.reason, receivedDay: row.receivedDay }));
      statements.push(ingressCounterStatement(db, JSON.stringify(slim)));
    }
    statements.push(upsertStatement(db, json));
    const results = await db.batch<{ hash: string; status: InboxStatus }>(statements);
    for (const r of results[results.length - 1]?.results ?? []) statuses.set(r.hash, r.status);
  }
  return statuses;
}

function upsertStatement(db: D1Database, rowsJson: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO inbox_events (hash, event_id, portal_id, subscription_type, object_id, property_name, occurred_at,
         received_at, attempt_number, deliveries, status, status_reason, payload)
       SELECT r.value->>'hash', r.value->>'eventId', CAST(r.value->>'portalId' AS INTEGER), r.value->>'subscriptionType',
         r.value->>'objectId', r.value->>'propertyName', r.value->>'occurredAt', r.value->>'receivedAt', r.value->>'attemptNumber',
         r.value->>'copies', r.value->>'status', r.value->>'reason', json(r.value->'payload')
       FROM json_each(?1) AS r WHERE true
       ON CONFLICT (hash) DO UPDATE SET deliveries = deliveries + coalesce((
         SELECT CASE WHEN c.value->>'countDeliveries' THEN c.value->>'copies' ELSE 0 END
         FROM json_each(?1) AS c WHERE c.value->>'hash' = excluded.hash LIMIT 1), 0)
       RETURNING hash, status`,
    )
    .bind(rowsJson);
}

function* chunkRows(rows: InboxRow[]): Generator<Array<{ row: InboxRow; json: string }>> {
  let chunk: Array<{ row: InboxRow; json: string }> = [];
  let bytes = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (chunk.length >= ROWS_PER_CALL || (chunk.length > 0 && bytes + json.length > MAX_PARAM_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push({ row, json });
    bytes += json.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** Still-pending rows of these deals (oldest first, at most `limit`), their stored payloads as JSON text. */
export async function listPendingOfDeals(db: D1Database, dealIds: string[], limit: number): Promise<Array<{ hash: string; payload: string }>> {
  const rows = await rowsForDeals<{ hash: string; payload: string; occurred_at: number }>(db, dealIds, (ids, marks) =>
    db.prepare(`SELECT hash, payload, occurred_at FROM inbox_events WHERE status = 'pending' AND object_id IN (${marks}) ORDER BY occurred_at LIMIT ?`).bind(...ids, limit),
  );
  return rows.sort((a, b) => a.occurred_at - b.occurred_at).slice(0, limit).map((r) => ({ hash: r.hash, payload: r.payload }));
}

/** Marks pending rows processed, in short D1 calls. Idempotent. */
export async function markInboxProcessed(db: D1Database, hashes: string[], now: number): Promise<void> {
  for (let i = 0; i < hashes.length; i += ROWS_PER_CALL * 2) {
    await db
      .prepare(
        `UPDATE inbox_events SET status = 'processed', processed_at = ?2, status_reason = NULL
         WHERE status = 'pending' AND hash IN (SELECT value FROM json_each(?1))`,
      )
      .bind(JSON.stringify(hashes.slice(i, i + ROWS_PER_CALL * 2)), now)
      .run();
  }
}

/** Records the latest processing failure on still-pending rows, so a dead letter can say what went wrong. */
export async function noteInboxFailure(db: D1Database, hashes: string[], error: string): Promise<void> {
  if (hashes.length === 0) return;
  await db
    .prepare(`UPDATE inbox_events SET status_reason = ?2 WHERE status = 'pending' AND hash IN (SELECT value FROM json_each(?1))`)
    .bind(JSON.stringify(hashes), error.slice(0, 1000))
    .run();
}

/** The recorded failure reasons of pending rows (empty when none were recorded). */
export async function listInboxFailures(db: D1Database, hashes: string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const { results } = await db
    .prepare(
      `SELECT DISTINCT status_reason AS reason FROM inbox_events
       WHERE status = 'pending' AND status_reason IS NOT NULL AND hash IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(hashes))
    .all<{ reason: string }>();
  return results.map((r) => r.reason);
}

/** Deletes up to `limit` rows received before `cutoff` (epoch ms). Returns how many went. */
export async function deleteInboxBefore(db: D1Database, cutoff: number, limit: number): Promise<number> {
  const result = await db
    .prepare(`DELETE FROM inbox_events WHERE hash IN (SELECT hash FROM inbox_events WHERE received_at < ?1 LIMIT ?2)`)
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}

/** YYYY-MM-DD in UTC. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

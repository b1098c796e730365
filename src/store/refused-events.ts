// refused_events: events the ingress refused one by one (too deep, too large, not a HubSpot event) while it
// accepted the rest of their delivery. One row per distinct content; HubSpot's retries only bump `deliveries`.

export interface RefusedEvent {
  /** sha-256 hex of the event's canonical JSON without attemptNumber. */
  hash: string;
  reason: string;
  field: string;
  message: string;
  eventId: string | null;
  portalId: string | null;
  objectId: string | null;
  subscriptionType: string | null;
  payload: string;
  bytes: number;
  truncated: boolean;
}

export interface RefusedEventRow extends RefusedEvent {
  deliveries: number;
  firstSeenAt: number;
  lastSeenAt: number;
}

// Each statement binds its rows as one JSON text; D1 takes values up to 2 MB, so stay well under it.
const MAX_STATEMENT_JSON_CHARS = 512 * 1024;

/**
 * Records refused events in one D1 batch: new content inserted, known content counted again. Throws when D1 fails
 * (the caller decides whether the delivery must be retried).
 */
export async function recordRefusedEvents(db: D1Database, events: readonly RefusedEvent[], now: number): Promise<void> {
  if (events.length === 0) return;
  const statements: D1PreparedStatement[] = [];
  let chunk: string[] = [];
  let chunkChars = 0;
  const flush = () => {
    if (chunk.length > 0) statements.push(insertStatement(db, `[${chunk.join(",")}]`, now));
    chunk = [];
    chunkChars = 0;
  };
  for (const event of events) {
    const json = JSON.stringify({ ...event, truncated: event.truncated ? 1 : 0 });
    if (chunkChars + json.length > MAX_STATEMENT_JSON_CHARS) flush();
    chunk.push(json);
    chunkChars += json.length;
  }
  flush();
  await db.batch(statements);
}

function insertStatement(db: D1Database, rowsJson: string, now: number): D1PreparedStatement {
  // The payload is a string inside this JSON, so SQLite's JSON depth limit never sees the event's own nesting.
  return db
    .prepare(
      `INSERT INTO refused_events (hash, reason, field, message, event_id, portal_id, object_id, subscription_type,
         payload, bytes, truncated, deliveries, first_seen_at, last_seen_at)
       SELECT r.value->>'hash', r.value->>'reason', r.value->>'field', r.value->>'message', r.value->>'eventId',
         r.value->>'portalId', r.value->>'objectId', r.value->>'subscriptionType', r.value->>'payload',
         r.value->>'bytes', r.value->>'truncated', 1, ?2, ?2
       FROM json_each(?1) AS r WHERE true
       ON CONFLICT (hash) DO UPDATE SET deliveries = deliveries + 1, last_seen_at = excluded.last_seen_at`,
    )
    .bind(rowsJson, now);
}

/** Deletes up to `limit` rows last seen before `cutoff` (retention); returns how many. */
export async function deleteRefusedBefore(db: D1Database, cutoff: number, limit: number): Promise<number> {
  const result = await db
    .prepare(`DELETE FROM refused_events WHERE hash IN (SELECT hash FROM refused_events WHERE last_seen_at < ?1 LIMIT ?2)`)
    .bind(cutoff, limit)
    .run();
  return result.meta.changes;
}

/** Most recently seen first. */
export async function listRefusedEvents(db: D1Database, limit = 100): Promise<RefusedEventRow[]> {
  const { results } = await db
    .prepare(
      `SELECT hash, reason, field, message, event_id AS eventId, portal_id AS portalId, object_id AS objectId,
         subscription_type AS subscriptionType, payload, bytes, truncated, deliveries,
         first_seen_at AS firstSeenAt, last_seen_at AS lastSeenAt
       FROM refused_events ORDER BY last_seen_at DESC, hash LIMIT ?1`,
    )
    .bind(limit)
    .all<Omit<RefusedEventRow, "truncated"> & { truncated: number }>();
  return results.map((r) => ({ ...r, truncated: r.truncated === 1 }));
}

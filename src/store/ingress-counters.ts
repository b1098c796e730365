// ingress_counters: per-day counts of events accepted (2xx) but deliberately not processed — another portal's,
// or a subscription type the engine doesn't handle. Each distinct event counts once, redeliveries don't.

/**
 * A statement that counts the rows (a JSON array of `{ hash, reason, receivedDay }`) whose reason is set and
 * whose hash is not yet in inbox_events. Must run in the same batch as, and before, the inbox insert.
 */
export function ingressCounterStatement(db: D1Database, rowsJson: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO ingress_counters (day, reason, count)
       SELECT day, reason, n FROM (
         SELECT r.value->>'receivedDay' AS day, r.value->>'reason' AS reason, count(*) AS n FROM json_each(?1) AS r
         WHERE r.value->>'reason' IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM inbox_events WHERE hash = r.value->>'hash')
         GROUP BY 1, 2
       ) WHERE true
       ON CONFLICT (day, reason) DO UPDATE SET count = count + excluded.count`,
    )
    .bind(rowsJson);
}

export interface IngressCount {
  day: string;
  reason: string;
  count: number;
}

/** Counters, newest day first. */
export async function listIngressCounters(db: D1Database, limit = 100): Promise<IngressCount[]> {
  const { results } = await db
    .prepare(`SELECT day, reason, count FROM ingress_counters ORDER BY day DESC, reason LIMIT ?1`)
    .bind(limit)
    .all<IngressCount>();
  return results;
}

// Enforcement's verdicts on individual inbox rows: an engine echo is 'ignored', an event about a deal that no
// longer exists is 'dropped' — each with its reason. Only still-pending rows change.

export function setInboxDispositionStatement(
  db: D1Database,
  hashes: string[],
  status: "ignored" | "dropped",
  reason: string,
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE inbox_events SET status = ?2, status_reason = ?3, processed_at = ?4
       WHERE status = 'pending' AND hash IN (SELECT value FROM json_each(?1))`,
    )
    .bind(JSON.stringify(hashes), status, reason, now);
}

// reverts: each revert planned before the write and marked after; the per-deal hourly cap counts these rows.
import { rowsForDeals } from "./rows-for-deals";

export type RevertStatus = "planned" | "done" | "refused" | "skipped" | "failed";

export interface RevertRow {
  violation_id: string;
  deal_id: string;
  to_pipeline: string | null;
  to_stage: string;
  from_stage: string;
  status: RevertStatus;
  reason: string | null;
}

/** Every revert row of these deals, keyed by violation id. */
export async function listReverts(db: D1Database, dealIds: string[]): Promise<Map<string, RevertRow>> {
  const out = new Map<string, RevertRow>();
  const rows = await rowsForDeals<RevertRow>(db, dealIds, (ids, marks) =>
    db.prepare(`SELECT violation_id, deal_id, to_pipeline, to_stage, from_stage, status, reason FROM reverts WHERE deal_id IN (${marks})`).bind(...ids),
  );
  for (const r of rows) out.set(r.violation_id, r);
  return out;
}

/** Reverts done (or in flight) per deal since `sinceMs`: what the hourly cap is checked against. */
export async function countRecentReverts(db: D1Database, dealIds: string[], sinceMs: number): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const rows = await rowsForDeals<{ deal_id: string; n: number }>(db, dealIds, (ids, marks) =>
    db
      .prepare(`SELECT deal_id, count(*) AS n FROM reverts WHERE status IN ('planned','done') AND planned_at >= ? AND deal_id IN (${marks}) GROUP BY deal_id`)
      .bind(sinceMs, ...ids),
  );
  for (const r of rows) out.set(r.deal_id, r.n);
  return out;
}

export function planRevertStatement(
  db: D1Database,
  r: { violationId: string; dealId: string; toPipeline: string | null; toStage: string; fromStage: string },
  now: number,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO reverts (violation_id, deal_id, to_pipeline, to_stage, from_stage, status, planned_at) VALUES (?,?,?,?,?,'planned',?)`,
    )
    .bind(r.violationId, r.dealId, r.toPipeline, r.toStage, r.fromStage, now);
}

export function markRevertStatement(db: D1Database, violationId: string, status: RevertStatus, reason: string | null, now: number): D1PreparedStatement {
  return db
    .prepare("UPDATE reverts SET status = ?, reason = ?, done_at = ? WHERE violation_id = ?")
    .bind(status, reason, status === "done" ? now : null, violationId);
}

// judged_changes (migration 0017): every change enforcement judged, as it judged it (values as of the change), and
// the engine's done reverts beside them — the engine's recorded history a back-test replays (src/backtest/).
import { chunk } from "../chunk";
import { deterministicId } from "./ids";

export interface JudgedChangeInsert {
  portalId: number;
  dealId: string;
  occurredAt: number;
  kind: string;
  /** JSON of the judged change (src/backtest/sources/recorded.ts reads it back). */
  json: string;
}

export interface JudgedChangeRow {
  deal_id: string;
  portal_id: number;
  change: string;
}

export interface DoneRevertRow {
  deal_id: string;
  to_stage: string;
  to_pipeline: string | null;
  done_at: number;
}

/** Rows per statement: one JSON parameter each, well under D1's size limits for changes of a few KB. */
const ROWS_PER_STATEMENT = 50;

/** Idempotent inserts, a few statements however many changes (one JSON array bound per ≤50 rows). */
export function insertJudgedChangeStatements(db: D1Database, rows: JudgedChangeInsert[], now: number): D1PreparedStatement[] {
  return chunk(rows, ROWS_PER_STATEMENT).map((part) =>
    db
      .prepare(
        `INSERT OR IGNORE INTO judged_changes (id, portal_id, deal_id, occurred_at, change, recorded_at)
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
                json_extract(value, '$[4]'), ? FROM json_each(?)`,
      )
      .bind(now, JSON.stringify(part.map((r) => [deterministicId(r.dealId, r.occurredAt, r.kind), r.portalId, r.dealId, r.occurredAt, r.json]))),
  );
}

const IN_WINDOW = "SELECT DISTINCT deal_id FROM judged_changes WHERE occurred_at >= ? AND occurred_at < ?";

/**
 * The changes of every deal changed in [from, to), each deal's from its first recorded change up to `to` (the earlier
 * ones decide what is open when the window starts), ordered by deal and time; and those deals' done reverts.
 */
export async function listJudgedHistory(db: D1Database, from: number, to: number): Promise<{ changes: JudgedChangeRow[]; reverts: DoneRevertRow[] }> {
  const [changes, reverts] = await db.batch([
    db.prepare(`SELECT deal_id, portal_id, change FROM judged_changes WHERE occurred_at < ? AND deal_id IN (${IN_WINDOW}) ORDER BY deal_id, occurred_at`).bind(to, from, to),
    db.prepare(`SELECT deal_id, to_stage, to_pipeline, done_at FROM reverts WHERE status = 'done' AND done_at IS NOT NULL AND deal_id IN (${IN_WINDOW})`).bind(from, to),
  ]);
  return { changes: (changes?.results ?? []) as JudgedChangeRow[], reverts: (reverts?.results ?? []) as DoneRevertRow[] };
}

// judged_changes (migration 0017): every change enforcement judged, as it judged it (values as of the change), and
// the engine's done reverts beside them — the engine's recorded history a back-test replays (src/backtest/).
import { chunk } from "../chunk";
import { deterministicId } from "./ids";
import { rowsForDeals } from "./rows-for-deals";

export interface JudgedChangeInsert {
  portalId: number;
  dealId: string;
  occurredAt: number;
  kind: string;
  /** JSON of the judged change (src/backtest/sources/recorded.ts reads it back). */
  json: string;
  /** Judged again with corrected association counts: replaces the stored row. */
  corrected?: true;
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

/** The stored row of a change judged again (its association counts corrected, src/enforcement/rejudge.ts). */
export function updateJudgedChangeStatements(db: D1Database, rows: JudgedChangeInsert[]): D1PreparedStatement[] {
  return rows.map((r) => db.prepare("UPDATE judged_changes SET change = ? WHERE id = ?").bind(r.json, deterministicId(r.dealId, r.occurredAt, r.kind)));
}

/** Every judged change of these deals, oldest first per deal. */
export async function listJudgedChangesOfDeals(db: D1Database, dealIds: string[]): Promise<JudgedChangeRow[]> {
  const rows = await rowsForDeals<JudgedChangeRow & { occurred_at: number }>(db, dealIds, (ids, marks) =>
    db.prepare(`SELECT deal_id, portal_id, change, occurred_at FROM judged_changes WHERE deal_id IN (${marks}) ORDER BY occurred_at`).bind(...ids),
  );
  return rows.map(({ deal_id, portal_id, change }) => ({ deal_id, portal_id, change }));
}

/** Deletes up to `limit` judged changes that happened before `cutoff`; returns how many. */
export async function deleteJudgedChangesBefore(db: D1Database, cutoff: number, limit: number): Promise<number> {
  const result = await db.prepare("DELETE FROM judged_changes WHERE id IN (SELECT id FROM judged_changes WHERE occurred_at < ?1 LIMIT ?2)").bind(cutoff, limit).run();
  return result.meta.changes;
}

const DEALS_PAGE = "SELECT DISTINCT deal_id FROM judged_changes WHERE occurred_at >= ? AND occurred_at < ? ORDER BY deal_id LIMIT ? OFFSET ?";

export interface JudgedHistoryPage {
  changes: JudgedChangeRow[];
  reverts: DoneRevertRow[];
  /** Deals in this page: fewer than asked means it was the last. */
  deals: number;
}

/**
 * One page (by deal id) of the deals changed in [from, to): each deal's changes from its first recorded one up to
 * `to` (the earlier ones decide what is open when the window starts), by deal and time, and its done reverts.
 */
export async function listJudgedHistory(db: D1Database, from: number, to: number, page: { offset: number; limit: number }): Promise<JudgedHistoryPage> {
  const deals = [from, to, page.limit, page.offset] as const;
  const [ids, changes, reverts] = await db.batch([
    db.prepare(`SELECT COUNT(*) AS n FROM (${DEALS_PAGE})`).bind(...deals),
    db.prepare(`SELECT deal_id, portal_id, change FROM judged_changes WHERE occurred_at < ? AND deal_id IN (${DEALS_PAGE}) ORDER BY deal_id, occurred_at`).bind(to, ...deals),
    db.prepare(`SELECT deal_id, to_stage, to_pipeline, done_at FROM reverts WHERE status = 'done' AND done_at IS NOT NULL AND deal_id IN (${DEALS_PAGE})`).bind(...deals),
  ]);
  const n = ((ids?.results ?? [])[0] as { n?: number } | undefined)?.n ?? 0;
  return { changes: (changes?.results ?? []) as JudgedChangeRow[], reverts: (reverts?.results ?? []) as DoneRevertRow[], deals: n };
}

/** Every page of listJudgedHistory, concatenated. */
export async function listAllJudgedHistory(db: D1Database, from: number, to: number, pageDeals = 500): Promise<{ changes: JudgedChangeRow[]; reverts: DoneRevertRow[] }> {
  let out: { changes: JudgedChangeRow[]; reverts: DoneRevertRow[] } = { changes: [], reverts: [] };
  for (let offset = 0; ; offset += pageDeals) {
    const page = await listJudgedHistory(db, from, to, { offset, limit: pageDeals });
    out = { changes: out.changes.concat(page.changes), reverts: out.reverts.concat(page.reverts) };
    if (page.deals < pageDeals) return out;
  }
}

// The association timeline (migration 0010): per deal, associations added and removed over time, from
// deal.associationChange events and first-seen snapshots, and when each (deal, kind) timeline starts.
import type { AssociationKind } from "../policy";
import { rowsForDeals } from "./rows-for-deals";
import { deterministicId } from "./ids";
import { jsonColumns, jsonRowsStatements } from "./json-rows";

export interface AssociationEntry {
  dealId: string;
  kind: AssociationKind;
  toId: string;
  removed: boolean;
  occurredAt: number;
  source: "event" | "snapshot";
}

export interface AssociationTimeline {
  entries: AssociationEntry[];
  /** "dealId|kind" → when its timeline starts (the snapshot's time). */
  coverage: Map<string, number>;
}

interface EntryRow { deal_id: string; kind: AssociationKind; to_id: string; removed: number; occurred_at: number; source: "event" | "snapshot" }

/** The stored timeline of these deals (every entry, oldest first) and its coverage. */
export async function listAssociationTimeline(db: D1Database, dealIds: string[]): Promise<AssociationTimeline> {
  const [entries, coverage] = await Promise.all([
    rowsForDeals<EntryRow>(db, dealIds, (ids, marks) =>
      db.prepare(`SELECT deal_id, kind, to_id, removed, occurred_at, source FROM association_timeline WHERE deal_id IN (${marks}) ORDER BY occurred_at`).bind(...ids),
    ),
    rowsForDeals<{ deal_id: string; kind: string; snapshot_at: number }>(db, dealIds, (ids, marks) =>
      db.prepare(`SELECT deal_id, kind, snapshot_at FROM association_coverage WHERE deal_id IN (${marks})`).bind(...ids),
    ),
  ]);
  return {
    entries: entries.map((r) => ({ dealId: r.deal_id, kind: r.kind, toId: r.to_id, removed: r.removed === 1, occurredAt: r.occurred_at, source: r.source })),
    coverage: new Map(coverage.map((r) => [`${r.deal_id}|${r.kind}`, r.snapshot_at])),
  };
}

/** Inserts entries and coverage rows; idempotent (deterministic ids, the first snapshot of a (deal, kind) wins). */
export function insertAssociationTimelineStatements(db: D1Database, entries: AssociationEntry[], coverage: Array<{ dealId: string; kind: AssociationKind; at: number }>): D1PreparedStatement[] {
  return [
    ...jsonRowsStatements(
      db,
      `INSERT OR IGNORE INTO association_timeline (id, deal_id, kind, to_id, removed, occurred_at, source) SELECT ${jsonColumns(7)} FROM json_each(?)`,
      entries.map((e) => [deterministicId(e.dealId, e.kind, e.toId, e.occurredAt, e.removed ? 1 : 0, e.source), e.dealId, e.kind, e.toId, e.removed ? 1 : 0, e.occurredAt, e.source]),
    ),
    ...jsonRowsStatements(
      db,
      `INSERT OR IGNORE INTO association_coverage (deal_id, kind, snapshot_at) SELECT ${jsonColumns(3)} FROM json_each(?)`,
      coverage.map((c) => [c.dealId, c.kind, c.at]),
    ),
  ];
}

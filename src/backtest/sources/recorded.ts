// The engine's recorded history (judged_changes and its done reverts, src/store/judged-changes.ts) as a back-test's
// history: each change decoded as judged, each deal's stage history rebuilt from its moves and the engine's reverts.
// Pure: the caller reads the rows (D1 in the Worker, wrangler from the CLI).
import { decodeJudgedChange } from "../../enforcement/judged-change-codec";
import type { BuiltChange } from "../../enforcement/build-change";
import type { HistoryEntry } from "../../hubspot/deals";
import type { DoneRevertRow, JudgedChangeRow } from "../../store/judged-changes";
import type { BacktestHistory, HistoryDeal } from "../history";

/** The history, or the first row that can't be read (a corrupt row is reported, never skipped silently). */
export function historyFromRecorded(rows: { changes: JudgedChangeRow[]; reverts: DoneRevertRow[] }): { ok: true; value: BacktestHistory } | { ok: false; error: string } {
  const deals = new Map<string, HistoryDeal>();
  const properties = new Set<string>();
  for (const row of rows.changes) {
    const decoded = decodeJudgedChange(row.change);
    if (!decoded.ok) return { ok: false, error: `judged_changes row of deal ${row.deal_id}: ${decoded.error}` };
    const deal = deals.get(row.deal_id) ?? { dealId: row.deal_id, portalId: Number(row.portal_id) || 0, changes: [], stageHistory: [], pipelineHistory: [], revertedTo: [] };
    deals.set(row.deal_id, deal);
    deal.changes.push(decoded.value);
    for (const name of Object.keys(decoded.value.change.new)) properties.add(name);
  }
  const reverts = new Map<string, DoneRevertRow[]>();
  for (const r of rows.reverts) reverts.set(r.deal_id, [...(reverts.get(r.deal_id) ?? []), r]);
  for (const deal of deals.values()) {
    deal.changes.sort((a, b) => a.change.occurredAt - b.change.occurredAt);
    const done = reverts.get(deal.dealId) ?? [];
    deal.revertedTo = [...new Set(done.map((r) => r.to_stage))];
    deal.stageHistory = stageHistoryOf(deal.changes, done);
    deal.pipelineHistory = pipelineHistoryOf(deal.changes, done);
  }
  return { ok: true, value: { source: "engine", deals: [...deals.values()], properties: [...properties].sort() } };
}

function entry(value: string, timestamp: number, by: { sourceType: string | null; sourceId: string | null; userId: string | null }): HistoryEntry {
  return { value, timestamp, sourceType: by.sourceType, sourceId: by.sourceId, updatedByUserId: by.userId };
}

/** The deal's stage entries: each recorded move, and each revert the engine made (as HubSpot lists an app's write). */
function stageHistoryOf(changes: BuiltChange[], reverts: DoneRevertRow[]): HistoryEntry[] {
  const moves = changes
    .filter((b) => b.stageMoved && b.change.toStage !== null)
    .map((b) => entry(b.change.toStage ?? "", b.change.occurredAt, { sourceType: b.change.actor.changeSource, sourceId: b.change.actor.sourceId, userId: b.change.actor.userId }));
  const engine = reverts.map((r) => entry(r.to_stage, r.done_at, { sourceType: "INTEGRATION", sourceId: null, userId: null }));
  return [...moves, ...engine].sort((a, b) => a.timestamp - b.timestamp);
}

function pipelineHistoryOf(changes: BuiltChange[], reverts: DoneRevertRow[]): HistoryEntry[] {
  const by = { sourceType: null, sourceId: null, userId: null };
  const seen = changes.filter((b) => b.change.pipelineId !== null).map((b) => entry(b.change.pipelineId ?? "", b.change.occurredAt, by));
  const engine = reverts.flatMap((r) => (r.to_pipeline === null ? [] : [entry(r.to_pipeline, r.done_at, by)]));
  return [...seen, ...engine].sort((a, b) => a.timestamp - b.timestamp);
}

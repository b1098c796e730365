// Ground truth, step 3: the managers' figures per rep computed from the oracle's stage changes and pushes with the
// definitions in docs/managers.md, written from the definitions, not from the engine's SQL. Pure.
import type { Truth, TruthTransition } from "./oracle";

export interface RepTruth {
  /** Stage moves (creations excluded) and those with no violation; creations apart. */
  changes: number;
  compliant: number;
  creations: number;
  /** Per stage the rep's deals entered in the window: distinct deals entered, and those that later converted. */
  stages: Map<string, { entered: number; converted: number }>;
  /** Close-date pushes of at least half a day (rounded to whole days > 0). */
  pushes: number;
}

/**
 * Per rep (the deal's owner at the change), over [from, to): compliance counts, conversion per stage — a deal that
 * entered A converted when, later in time and before `to`, it reached a later open stage of the pipeline or Closed
 * Won (never Closed Lost) — and close-date pushes.
 */
export function repFigures(truth: Truth, from: number, to: number): Map<string, RepTruth> {
  const out = new Map<string, RepTruth>();
  const rep = (id: string | null) => {
    const key = id ?? "";
    let r = out.get(key);
    if (r === undefined) out.set(key, (r = { changes: 0, compliant: 0, creations: 0, stages: new Map(), pushes: 0 }));
    return r;
  };
  const byDeal = new Map<string, TruthTransition[]>();
  for (const t of truth.transitions) byDeal.set(t.dealId, [...(byDeal.get(t.dealId) ?? []), t]);
  const entered = new Map<string, { owner: string | null; stage: string; deals: Set<string>; converted: Set<string> }>();
  for (const t of truth.transitions) {
    if (t.at < from || t.at >= to) continue;
    const r = rep(t.ownerId);
    if (t.fromStage === null) r.creations += 1;
    else {
      r.changes += 1;
      if (t.violations === 0) r.compliant += 1;
    }
    const key = `${t.ownerId ?? ""}\u0000${t.toStage}`;
    let e = entered.get(key);
    if (e === undefined) entered.set(key, (e = { owner: t.ownerId, stage: t.toStage, deals: new Set(), converted: new Set() }));
    e.deals.add(t.dealId);
    const later = (byDeal.get(t.dealId) ?? []).some(
      (l) => l.at > t.at && l.at < to && l.pipelineId === t.pipelineId && (l.toIsWon || (!l.toIsClosed && l.toIndex !== null && t.toIndex !== null && l.toIndex > t.toIndex)),
    );
    if (later) e.converted.add(t.dealId);
  }
  for (const e of entered.values()) rep(e.owner).stages.set(e.stage, { entered: e.deals.size, converted: e.converted.size });
  for (const p of truth.pushes) if (p.at >= from && p.at < to && p.pushedDays > 0) rep(p.ownerId).pushes += 1;
  return out;
}

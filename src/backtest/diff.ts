// The difference between two back-tests over the same history, per rule: hits only the draft raises (new), hits only
// the set it is compared against raises (no longer raised), and hits both raise with other actions or another mode.
// Hits are matched by their id (deal, policy, rule, time, stage — the engine's violation id), so the counts are exact.
// Pure.
import type { BacktestHit } from "./replay";
import { latestPerDeal } from "./report";

export type RuleChange = "added" | "removed" | "kept";

export interface RuleDiff {
  policyId: string;
  ruleId: string;
  /** added: only in the draft; removed: only in the set compared against; kept: in both. */
  rule: RuleChange;
  newHits: number;
  goneHits: number;
  changedActions: number;
  examples: { new: BacktestHit[]; gone: BacktestHit[]; changed: Array<{ draft: BacktestHit; against: BacktestHit }> };
}

const key = (policyId: string, ruleId: string) => `${policyId}\u0000${ruleId}`;

function actionsOf(h: BacktestHit): string {
  return `${h.mode}:${[...h.actions].sort().join(",")}`;
}

/**
 * Per rule of either set (draft order first, then rules only the other set has): the exact difference. Rules with no
 * difference are included (all zero) so a caller can show the whole set.
 */
export function diffBacktests(
  draft: { rules: ReadonlyArray<{ policyId: string; ruleId: string }>; hits: readonly BacktestHit[] },
  against: { rules: ReadonlyArray<{ policyId: string; ruleId: string }>; hits: readonly BacktestHit[] },
  examples = 3,
): RuleDiff[] {
  const inDraft = new Set(draft.rules.map((r) => key(r.policyId, r.ruleId)));
  const inAgainst = new Set(against.rules.map((r) => key(r.policyId, r.ruleId)));
  const rows = new Map<string, RuleDiff>();
  for (const r of [...draft.rules, ...against.rules]) {
    const k = key(r.policyId, r.ruleId);
    if (rows.has(k)) continue;
    const rule: RuleChange = inDraft.has(k) && inAgainst.has(k) ? "kept" : inDraft.has(k) ? "added" : "removed";
    rows.set(k, { policyId: r.policyId, ruleId: r.ruleId, rule, newHits: 0, goneHits: 0, changedActions: 0, examples: { new: [], gone: [], changed: [] } });
  }
  const before = new Map(against.hits.map((h) => [h.id, h]));
  const after = new Map(draft.hits.map((h) => [h.id, h]));
  const news = new Map<string, BacktestHit[]>();
  const gones = new Map<string, BacktestHit[]>();
  const push = (m: Map<string, BacktestHit[]>, h: BacktestHit) => m.set(key(h.policyId, h.ruleId), [...(m.get(key(h.policyId, h.ruleId)) ?? []), h]);
  for (const h of draft.hits) {
    const was = before.get(h.id);
    const row = rows.get(key(h.policyId, h.ruleId));
    if (row === undefined) continue;
    if (was === undefined) {
      row.newHits++;
      push(news, h);
    } else if (actionsOf(was) !== actionsOf(h)) {
      row.changedActions++;
      if (row.examples.changed.length < examples) row.examples.changed.push({ draft: h, against: was });
    }
  }
  for (const h of against.hits) {
    const row = rows.get(key(h.policyId, h.ruleId));
    if (row === undefined || after.has(h.id)) continue;
    row.goneHits++;
    push(gones, h);
  }
  for (const [k, row] of rows) {
    row.examples.new = latestPerDeal(news.get(k) ?? [], examples);
    row.examples.gone = latestPerDeal(gones.get(k) ?? [], examples);
  }
  return [...rows.values()];
}

// The changes of a back-test whose association counts the engine never took and on which the draft's verdict turns.
// The engine snapshots a deal's associations of a kind only once some running rule needs that count
// (enforcement/association-snapshots.ts); until then its changes are recorded with that count as 0. A draft counting
// such a kind may see violations that weren't: the report says how many changes that concerns. Pure.
import { PLENTY, verdictKey } from "../enforcement/association-needs";
import { neededAssociations, type AssociationKind, type CompiledPolicySet } from "../policy";
import type { BacktestHistory, BacktestWindow } from "./history";

export interface Uncounted {
  /** The kinds missing on those changes. */
  kinds: AssociationKind[];
  changes: number;
}

/** How many changes of the window the draft judges differently were their uncounted kinds plentiful. */
export function uncountedChanges(history: BacktestHistory, window: BacktestWindow, draft: CompiledPolicySet): Uncounted {
  const counted = new Set(neededAssociations(draft));
  const kinds = new Set<AssociationKind>();
  let changes = 0;
  for (const deal of history.deals) {
    for (const b of deal.changes) {
      const c = b.change;
      const missing = (b.uncounted ?? []).filter((k) => counted.has(k));
      if (missing.length === 0 || c.occurredAt < window.from || c.occurredAt >= window.to) continue;
      const plenty = { ...c.associations };
      for (const k of missing) plenty[k] = PLENTY;
      if (verdictKey(draft, c, c.occurredAt) === verdictKey(draft, { ...c, associations: plenty, associationsBefore: plenty }, c.occurredAt)) continue;
      changes++;
      for (const k of missing) kinds.add(k);
    }
  }
  return { kinds: [...kinds].sort(), changes };
}

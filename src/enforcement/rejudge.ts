// Changes judged again when a late association event shows their counts were wrong. HubSpot keeps no association
// history and delivers out of order: an engine catching up (an outage, a first install's backlog) judges a move with
// the deal's associations read afterwards, and learns only from a later delivery that a contact was added after the
// move — or a move is judged before the event of the line item added just ahead of it. When a batch brings such an
// event, the deal's earlier judged changes are counted again from the corrected timeline; a rule the corrected counts
// break is a violation the engine missed (detected now, dated at the change). One it let through wrongly is not undone:
// its record stays and a later change or the deal as it is now resolves it. Pure.
import type { AssociationKind, CompiledPolicySet } from "../policy";
import { evaluateChange, type Violation } from "../policy";
import type { AssociationTimeline } from "../store/association-timeline";
import { countsAt } from "./association-timeline";
import type { BuiltChange } from "./build-change";

/** A change judged before, with the counts it was judged with (`was`) and the corrected ones (`now`). */
export interface Rejudged {
  was: BuiltChange;
  now: BuiltChange;
}

/** The stored changes whose association counts differ on the corrected timeline, except those the batch judges anyway. */
export function recountStored(stored: BuiltChange[], timeline: AssociationTimeline, dealId: string, kinds: AssociationKind[], inBatch: ReadonlySet<string>): Rejudged[] {
  const out: Rejudged[] = [];
  for (const was of stored) {
    const c = was.change;
    if (inBatch.has(changeKey(c.occurredAt, c.kind))) continue;
    const at = countsAt(timeline, dealId, kinds, c.occurredAt);
    // A count judged as 0 for want of a timeline that has one now is corrected even when it is still 0.
    const counted = (was.uncounted ?? []).some((k) => !at.uncounted.includes(k));
    if (!counted && kinds.every((k) => at.counts[k] === c.associations[k])) continue;
    const before = countsAt(timeline, dealId, kinds, c.occurredAt - 1).counts;
    const differs = kinds.some((k) => before[k] !== at.counts[k]);
    const { associationsBefore: _dropped, ...rest } = c;
    const change = { ...rest, associations: at.counts, ...(differs ? { associationsBefore: before } : {}), origins: { ...c.origins, ...at.origins } };
    const { uncounted: _was, ...built } = was;
    out.push({ was, now: { ...built, change, ...(at.uncounted.length > 0 ? { uncounted: at.uncounted } : {}) } });
  }
  return out;
}

/** The violations the corrected counts find that the counts judged with didn't (entry criteria on associations). */
export function newlyBroken(set: CompiledPolicySet, r: Rejudged): Violation[] {
  const before = new Set(evaluateChange(set, r.was.change, { now: r.was.change.occurredAt }).violations.map(ruleKey));
  return evaluateChange(set, r.now.change, { now: r.now.change.occurredAt }).violations.filter((v) => !before.has(ruleKey(v)));
}

/** A change's identity within its deal (the judged_changes row key's parts). */
export function changeKey(occurredAt: number, kind: string): string {
  return `${occurredAt}|${kind}`;
}

function ruleKey(v: Violation): string {
  return `${v.policyId}|${v.ruleId}`;
}

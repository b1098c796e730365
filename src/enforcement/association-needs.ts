// Which association counts a deal's changes actually depend on. Reading them costs one call per kind per run, so
// they are read only for deals where some rule's verdict (or an open violation's re-check) changes with the count:
// each change is evaluated with the kind at zero and with every kind plentiful, and only a difference counts. Pure.
import { countingRules, evaluateChange, recheckViolation, type AssociationKind, type CompiledPolicySet, type DealChange } from "../policy";
import type { OpenViolation } from "./snapshot";

/** A count no minimum exceeds. */
export const PLENTY = 1_000_000;

/** The rules a change breaks, as one comparable string. */
export function verdictKey(set: CompiledPolicySet, change: DealChange, now: number): string {
  return evaluateChange(set, change, { now })
    .violations.map((v) => `${v.policyId}/${v.ruleId}`)
    .sort()
    .join(",");
}

function withCounts(change: DealChange, zero: AssociationKind[]): DealChange {
  const associations = { contacts: PLENTY, companies: PLENTY, line_items: PLENTY };
  for (const kind of zero) associations[kind] = 0;
  return { ...change, associations };
}

/** The association kinds (of `kinds`) whose counts can change a verdict for these changes / open violations. */
export function associationNeeds(
  all: CompiledPolicySet,
  kinds: AssociationKind[],
  changes: DealChange[],
  current: DealChange,
  openViolations: OpenViolation[],
  now: number,
): AssociationKind[] {
  if (kinds.length === 0) return [];
  // Only the rules that count associations can judge a change differently with other counts: the rest (most of a
  // set) are left out, and a change none of those rules judges costs next to nothing.
  const set = countingRules(all);
  const counted = new Set(set.policies.flatMap((p) => p.rules.map((r) => `${p.id}/${r.id}`)));
  const open = openViolations.filter((v) => counted.has(`${v.policyId}/${v.ruleId}`));
  // Each change judged with every count plentiful once, and with all of `kinds` at zero: most changes are judged
  // alike (no rule counts associations on them) and need no judgement per kind — a burst's runs test every new deal.
  const plenty = changes.map((c) => verdictKey(set, withCounts(c, []), now));
  const turns = changes.filter((c, i) => verdictKey(set, withCounts(c, kinds), now) !== plenty[i]);
  const needed: AssociationKind[] = [];
  for (const kind of kinds) {
    const differs =
      turns.some((c) => verdictKey(set, withCounts(c, []), now) !== verdictKey(set, withCounts(c, [kind]), now)) ||
      open.some((v) => {
        const ref = { policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage };
        return recheckViolation(set, ref, withCounts(current, []), { now }) !== recheckViolation(set, ref, withCounts(current, [kind]), { now });
      });
    if (differs) needed.push(kind);
  }
  return needed;
}

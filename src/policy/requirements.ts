// What the compiled set reads: the deal properties and association kinds enforcement must fetch before evaluating.
import { EXPRESSION_KINDS } from "./load-set";
import { isInternalSet, type CelPlan, type PolicyPlan, type RulePlan } from "./plan";
import type { AssociationKind, CompiledPolicySet } from "./types";

/** The deal properties the compiled policies read (always dealstage, pipeline, hubspot_owner_id, dealname), sorted. */
export function requiredProperties(set: CompiledPolicySet): string[] {
  return isInternalSet(set) ? [...set.properties] : ["dealname", "dealstage", "hubspot_owner_id", "pipeline"];
}

/** The association kinds some rule counts (a minimum, or an expression's `deal.contacts` …) — fetch only these. */
export function neededAssociations(set: CompiledPolicySet): AssociationKind[] {
  return isInternalSet(set) ? [...set.associationKinds] : [];
}

/** The kinds an expression reads: their verdicts can turn on any count, so whether a change needs one can't be tested. */
export function expressionAssociations(set: CompiledPolicySet): AssociationKind[] {
  return isInternalSet(set) ? [...set.expressionAssociationKinds] : [];
}

/**
 * What an update that moves no stage must change to fire some rule: one of `properties` (`on: propertyChanged`), or
 * anything at all when `anyUpdate` (a restrictEdits rule without `on:` fires on every edit in its stages).
 */
export interface UpdateTriggers {
  properties: ReadonlySet<string>;
  anyUpdate: boolean;
}

export function updateTriggers(set: CompiledPolicySet): UpdateTriggers {
  if (!isInternalSet(set)) return { properties: new Set(), anyUpdate: true };
  const rules = set.plans.flatMap((p) => p.rules);
  return {
    properties: new Set(rules.flatMap((r) => r.triggers.properties ?? [])),
    anyUpdate: rules.some((r) => r.restrictEdits !== null && !r.explicitTriggers),
  };
}

const counting = new WeakMap<CompiledPolicySet, CompiledPolicySet>();

/**
 * The set cut down to the rules whose verdict can turn on an association count — a minimum, or an expression (the
 * rule's or its policy's scope) reading `deal.contacts` …: judging a change with other counts can only differ on
 * these, and the others are most of the work (every skipped stage re-judged with a trace). Memoised per set.
 */
export function countingRules(set: CompiledPolicySet): CompiledPolicySet {
  if (!isInternalSet(set)) return set;
  const known = counting.get(set);
  if (known !== undefined) return known;
  const reads = (c: CelPlan | null) => c !== null && c.paths.some((path) => EXPRESSION_KINDS[path] !== undefined);
  const counts = (policy: PolicyPlan, r: RulePlan) => reads(policy.scope.when) || r.associations.length > 0 || reads(r.when) || reads(r.assert) || reads(r.approval?.when ?? null);
  const plans = set.plans.map((p) => ({ ...p, rules: p.rules.filter((r) => counts(p, r)) })).filter((p) => p.rules.length > 0);
  const kept = new Set(plans.flatMap((p) => p.rules.map((r) => `${p.id}/${r.id}`)));
  const policies = set.policies.map((p) => ({ ...p, rules: p.rules.filter((r) => kept.has(`${p.id}/${r.id}`)) })).filter((p) => p.rules.length > 0);
  const subset = { ...set, plans, policies };
  counting.set(set, subset);
  return subset;
}

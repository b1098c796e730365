// What the compiled set reads: the deal properties and association kinds enforcement must fetch before evaluating.
import { isInternalSet } from "./plan";
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

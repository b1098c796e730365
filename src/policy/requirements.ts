// What the compiled set reads: the deal properties and association kinds enforcement must fetch before evaluating.
import { isInternalSet } from "./plan";
import type { AssociationKind, CompiledPolicySet } from "./types";

/** The deal properties the compiled policies read (always dealstage, pipeline, hubspot_owner_id, dealname), sorted. */
export function requiredProperties(set: CompiledPolicySet): string[] {
  return isInternalSet(set) ? [...set.properties] : ["dealname", "dealstage", "hubspot_owner_id", "pipeline"];
}

/** The association kinds some rule counts — fetch only these. */
export function neededAssociations(set: CompiledPolicySet): AssociationKind[] {
  return isInternalSet(set) ? [...set.associationKinds] : [];
}

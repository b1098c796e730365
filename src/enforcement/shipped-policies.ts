// The shipped policy set and portal snapshot, bundled at build time into src/generated/policies.ts
// (tools/policies/bundle.ts runs before start/test/dev/deploy and refuses policies that fail `check`).
import { POLICY_BUNDLE, POLICY_FILES, PORTAL_SNAPSHOT } from "../generated/policies";
import type { PolicyBundleInfo, PolicyFile, PortalPipeline, PortalProperty } from "../policy";

export function shippedPolicyFiles(): PolicyFile[] {
  return POLICY_FILES;
}

/** Who bundled the shipped set and when (git at bundle time), for the version history. */
export function shippedBundleInfo(): PolicyBundleInfo {
  return POLICY_BUNDLE;
}

/** Deal property types from the snapshot: used when the portal doesn't serve /crm/v3/properties/deals. */
export function shippedPortalProperties(): PortalProperty[] {
  return PORTAL_SNAPSHOT.properties;
}

/** Pipelines from the snapshot: enough to tell, without calling HubSpot, whether any rule opts into native rules. */
export function shippedPortalPipelines(): PortalPipeline[] {
  return PORTAL_SNAPSHOT.pipelines;
}

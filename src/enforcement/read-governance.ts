// Read, for the governance properties: whether they are installed in the portal, the values last written and the
// recorded facts (open violations, the latest violation) of the batch's deals, and the hand edits the batch carried.
// D1 only: it decides nothing.
import type { Config } from "../env";
import type { GovernanceFacts, GovernanceValues } from "../governance";
import type { HubSpotEvent } from "../hubspot/events";
import { getInstallState, listGovernanceFacts, listWrittenGovernance } from "../store/governance";

/** After HubSpot refused to create the properties (missing scope), ask again no sooner than this. */
export const INSTALL_RETRY_MS = 3600_000;

export interface GovernanceSnapshot {
  /** installed: write; needed: create the properties first; refused: skip this run (no scope, asked recently). */
  install: "installed" | "needed" | "refused";
  portalKey: string;
  written: Map<string, GovernanceValues>;
  /** Facts as recorded before this run (the plan adds this run's violations and resolutions). */
  facts: Map<string, GovernanceFacts>;
  edits: HubSpotEvent[];
}

/** Which portal the install state belongs to. */
export function governancePortalKey(config: Pick<Config, "HUBSPOT_BASE_URL" | "HUBSPOT_PORTAL_ID" | "HUBSPOT_APP_ID">): string {
  return [config.HUBSPOT_BASE_URL, config.HUBSPOT_PORTAL_ID ?? "", config.HUBSPOT_APP_ID].join("|");
}

export async function readGovernance(db: D1Database, portalKey: string, dealIds: string[], edits: HubSpotEvent[], now: number): Promise<GovernanceSnapshot> {
  const ids = [...new Set([...dealIds, ...edits.map((e) => e.objectId)])];
  const [state, written, facts] = await Promise.all([getInstallState(db, portalKey), listWrittenGovernance(db, ids), listGovernanceFacts(db, ids)]);
  const install = state?.status === "installed" ? "installed" : state?.status === "refused" && now - state.checkedAt < INSTALL_RETRY_MS ? "refused" : "needed";
  return { install, portalKey, written, facts, edits };
}

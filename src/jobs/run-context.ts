// What one processing run carries: D1, the HubSpot client, the clock, the config that matters for actions, and
// the call counter that feeds the shared rate budget.
import type { HubSpotClient } from "../hubspot/client";
import type { CompiledPolicySet } from "../policy";
import type { PortalMetadata } from "./portal-metadata";

export interface RunContext {
  db: D1Database;
  client: HubSpotClient;
  now: number;
  appId: string;
  portalUiUrl: string;
  maxRevertsPerHour: number;
  set: CompiledPolicySet;
  metadata: PortalMetadata;
  /** HubSpot calls made so far in this run. */
  calls: { count: number };
  /** A ticking clock (epoch ms) for freshness checks inside the run; `now` stays the run's fixed time. */
  clock: () => number;
  /** Stage/pipeline of each deal as last read from HubSpot in this run, and when. */
  lastRead: Map<string, { stage: string | null; pipeline: string | null; at: number }>;
}

/** A read younger than this counts as "re-read just before the write" (no second read needed). */
export const FRESH_READ_MS = 2_000;

/** The deal's page in HubSpot, for the task body. */
export function dealLink(ctx: RunContext, portalId: number, dealId: string): string {
  return `${ctx.portalUiUrl.replace(/\/+$/, "")}/contacts/${portalId}/record/0-3/${dealId}`;
}

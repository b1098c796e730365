// Import point for enforcement: turns NEW, stored deal events into policy evaluations and HubSpot actions.
// Owned by the enforcement work; the foundation's consumer only calls `processDealEvents`. Must stay idempotent,
// and must never sleep: HubSpot's limits come back as "retry after N s" for the consumer to re-queue.
import type { Config, Env } from "../env";
import { createHubSpotClient, type HubSpotCall, type HubSpotClient } from "../hubspot/client";
import { describeError } from "../hubspot/errors";
import type { HubSpotEvent } from "../hubspot/events";
import { readRateLimitHeaders, retryDelaySeconds } from "../hubspot/rate-limit";
import type { Mode, PolicyFile, PortalProperty } from "../policy";
import { blockBudget, chargeBudget, learnWindowMax, reserveBudget } from "../store/rate-budget";
import { enforceBatch, type EnforceStats } from "./enforce-batch";
import { parseManagerMap } from "./portal-metadata";
import { shippedPolicyFiles, shippedPortalProperties } from "./shipped-policies";

/** What the queue consumer hands over besides the events. */
export interface ProcessDeps {
  env: Env;
  config: Config;
  /** Epoch ms; passed in so processing never reads the clock itself. */
  now: () => number;
  /** The policy files to enforce (tests, benchmarks); default: the set bundled at build time from policies/. */
  policyFiles?: PolicyFile[];
  /** Deal property types when the portal doesn't serve /crm/v3/properties/deals; default: the bundled snapshot. */
  portalProperties?: PortalProperty[];
  /** A prepared HubSpot client (tests observing calls); default: built from config. */
  hubspot?: HubSpotClient;
  /** Observes every HubSpot call (benchmarks, tests). */
  onHubSpotCall?: (call: HubSpotCall) => void;
}

/**
 * ok: every event handed over is done (the consumer marks them processed and acks).
 * not ok: nothing is marked; the queue message is retried (after `retryAfterSeconds` when given).
 */
export type ProcessOutcome =
  | { ok: true; processed: number; stats?: EnforceStats }
  | { ok: false; error: string; retryAfterSeconds?: number };

/** POLICY_MODE_OVERRIDE=enforce|audit switches every policy's mode (benchmarks, demos); unset = as written. */
export function readModeOverride(env: Env): Mode | null {
  const raw = env.POLICY_MODE_OVERRIDE?.trim().toLowerCase();
  return raw === "enforce" || raw === "audit" ? raw : null;
}

/** Evaluates and enforces the events. Never throws for HubSpot trouble: it becomes a retry outcome. */
export async function processDealEvents(events: HubSpotEvent[], deps: ProcessDeps): Promise<ProcessOutcome> {
  if (events.length === 0) return { ok: true, processed: 0 };
  const now = deps.now();
  const db = deps.env.DB;
  const deals = new Set(events.map((e) => e.objectId)).size;
  // Reads: one per 100 deals; writes: a task batch and a few reverts. Charged for real afterwards.
  const estimate = Math.ceil(deals / 100) + 1;
  const budget = await reserveBudget(db, estimate, now);
  if (!budget.ok) return { ok: false, error: `HubSpot budget: ${budget.reason}`, retryAfterSeconds: budget.retryAfterSeconds };

  let headerMax: number | null = null;
  let headerInterval: number | null = null;
  const client =
    deps.hubspot ??
    createHubSpotClient({
      accessToken: deps.config.HUBSPOT_ACCESS_TOKEN,
      basePath: deps.config.HUBSPOT_BASE_URL,
      onCall: (call) => {
        const limits = readRateLimitHeaders(call.headers);
        headerMax = limits.max ?? headerMax;
        headerInterval = limits.intervalMs ?? headerInterval;
        deps.onHubSpotCall?.(call);
      },
    });
  const calls = { count: 0 };
  const result = await enforceBatch(
    {
      db,
      client,
      now,
      appId: deps.config.HUBSPOT_APP_ID,
      portalUiUrl: deps.config.HUBSPOT_PORTAL_UI_URL ?? "https://app.hubspot.com",
      maxRevertsPerHour: deps.config.MAX_REVERTS_PER_DEAL_PER_HOUR,
      calls,
      clock: () => Date.now(),
    },
    {
      events,
      policyFiles: deps.policyFiles ?? shippedPolicyFiles(),
      fallbackProperties: deps.portalProperties ?? shippedPortalProperties(),
      modeOverride: readModeOverride(deps.env),
      managerMap: parseManagerMap(deps.config.MANAGER_MAP),
      metadataTtlMs: deps.config.METADATA_TTL_SECONDS * 1000,
      metadataKey: `${deps.config.HUBSPOT_BASE_URL}|${deps.config.HUBSPOT_PORTAL_ID ?? ""}|${deps.config.HUBSPOT_APP_ID}|${deps.config.MANAGER_MAP ?? ""}`,
    },
  );
  await chargeBudget(db, calls.count - estimate, now);
  if (headerMax !== null) await learnWindowMax(db, headerMax, headerInterval, now);
  if (result.ok) return { ok: true, processed: events.length, stats: result.value };

  const failure = result.error;
  if (failure.kind === "policy") return { ok: false, error: failure.message };
  const error = failure.error;
  const delay = retryDelaySeconds(error, 1, now);
  if (error.kind === "rate-limited" && delay !== null) {
    // Every isolate backs off, not just this message.
    await blockBudget(db, now + delay * 1000, `429 ${error.policy}`, now);
    return { ok: false, error: describeError(error), retryAfterSeconds: delay };
  }
  // Outages: the consumer's exponential backoff (it knows the attempt count).
  return { ok: false, error: describeError(error) };
}

// --source hubspot: the portal's own history, the day-one path. The schema and owners (3 calls), then the deals
// modified since --from with every property's history (ceil(deals/200) searches, ceil(deals/50) batch reads, and one
// v4 read per ≤1000 deals for each association kind HubSpot keeps no count history of), all through the CLI's rate
// budget and cached locally: a second run over the same window makes no call. Node-only.
import { historyFromHubSpot, type BacktestHistory, type BacktestWindow } from "../../src/backtest/index";
import { propertiesToRead, readHubSpotHistory, type HubSpotHistoryRead } from "../../src/backtest/sources/hubspot-read";
import type { PortalMetadata } from "../../src/enforcement/portal-metadata";
import { createHubSpotClient, type HubSpotClient } from "../../src/hubspot/client";
import { fetchDealProperties, fetchOwners, fetchPipelines } from "../../src/hubspot/metadata";
import type { AssociationKind, PortalProperty, PortalSchema } from "../../src/policy/index";
import type { CachedOwner } from "../../src/store/metadata-cache";
import type { JsonCache } from "./hubspot-cache";
import { rateLimitedFetch } from "./rate-limited-fetch";

export interface HubSpotTarget {
  baseUrl: string;
  token: string;
  appId: string;
  portalId: number;
  managerMap: Record<string, string>;
}

export interface CallCounts {
  searches: number;
  historyReads: number;
  other: number;
}

export interface HubSpotSource {
  client: HubSpotClient;
  calls: CallCounts;
  cache: JsonCache;
  refresh: boolean;
  target: HubSpotTarget;
}

/** A budgeted client that counts its calls by kind. */
export function openHubSpotSource(target: HubSpotTarget, cache: JsonCache, refresh: boolean, fetchImpl: typeof fetch = fetch): HubSpotSource {
  const calls: CallCounts = { searches: 0, historyReads: 0, other: 0 };
  const onCall = (call: { method: string; url: string }) => {
    if (call.url.includes("/crm/v3/objects/deals/search")) calls.searches++;
    else if (call.url.includes("/crm/v3/objects/deals/batch/read")) calls.historyReads++;
    else calls.other++;
  };
  const client = createHubSpotClient({ accessToken: target.token, basePath: target.baseUrl, fetch: rateLimitedFetch(undefined, fetchImpl), onCall });
  return { client, calls, cache, refresh, target };
}

interface PortalRead {
  schema: PortalSchema;
  owners: CachedOwner[];
}

/** The portal's pipelines, deal properties (the snapshot's when the portal serves none) and owners. */
export async function readPortal(s: HubSpotSource, fallbackProperties: PortalProperty[]): Promise<{ ok: true; value: PortalRead } | { ok: false; error: string }> {
  const key = ["portal", s.target.baseUrl, s.target.portalId];
  const cached = s.refresh ? null : s.cache.get<PortalRead>(key);
  if (cached !== null) return { ok: true, value: cached };
  const pipelines = await fetchPipelines(s.client);
  if (!pipelines.ok) return { ok: false, error: `reading the portal's pipelines: ${pipelines.error.message}` };
  const properties = await fetchDealProperties(s.client);
  if (!properties.ok && properties.error.kind !== "not-found") return { ok: false, error: `reading the portal's deal properties: ${properties.error.message}` };
  const owners = await fetchOwners(s.client);
  if (!owners.ok) return { ok: false, error: `reading the portal's owners: ${owners.error.message}` };
  const value: PortalRead = {
    schema: { pipelines: pipelines.value, properties: properties.ok ? properties.value : fallbackProperties },
    owners: owners.value.filter((o) => !o.archived).map((o) => ({ id: o.id, userId: o.userId, name: o.name, email: o.email, teamIds: o.teamIds, primaryTeamId: o.primaryTeamId })),
  };
  s.cache.put(key, value);
  return { ok: true, value };
}

/** The deals' history as a back-test history, read once per window and property list. */
export async function readDealsHistory(
  s: HubSpotSource,
  window: BacktestWindow,
  need: { properties: string[]; kinds: AssociationKind[] },
  metadata: PortalMetadata,
): Promise<{ ok: true; value: { history: BacktestHistory; cached: boolean } } | { ok: false; error: string }> {
  const properties = propertiesToRead(need.properties, need.kinds);
  const key = ["deals", s.target.baseUrl, s.target.portalId, window.from, window.to, properties, [...need.kinds].sort()];
  let read = s.refresh ? null : s.cache.get<HubSpotHistoryRead>(key);
  const cached = read !== null;
  if (read === null) {
    const fresh = await readHubSpotHistory(s.client, window, properties, need.kinds);
    if (!fresh.ok) return { ok: false, error: fresh.error.kind === "too-many" ? fresh.error.message : `reading deals from HubSpot: ${fresh.error.error.message}` };
    read = fresh.value;
    s.cache.put(key, read);
  }
  const history = historyFromHubSpot(read.deals, {
    portalId: s.target.portalId, appId: s.target.appId, properties, directory: metadata.directory, currentCounts: new Map(read.currentCounts), now: window.to,
  });
  return { ok: true, value: { history, cached } };
}



// Step 1, read: groups the batch's events by deal and reads everything enforcement needs — portal metadata, one batch
// read with history per ≤50 deals (HubSpot's limit for such reads), deal states, open and earlier violations, reverts,
// open tasks, and the association counts that can change a verdict — into one Snapshot. Deals whose changes can't fire
// a rule are left unread (split-unread.ts). Reads only: it never writes to HubSpot or D1 (the metadata cache aside)
// and decides nothing.
import { NO_ASSOCIATIONS } from "../hubspot/associations";
import type { HubSpotClient } from "../hubspot/client";
import { readDeals, type DealRecord } from "../hubspot/deals";
import type { Config } from "../env";
import type { HubSpotEvent } from "../hubspot/events";
import { requiredProperties, updateTriggers, type Mode, type PolicyBundleInfo, type PolicyFile, type PortalProperty } from "../policy";
import type { Result } from "../result";
import { getDealStates } from "../store/deal-state";
import { listOpenTasks } from "../store/deal-tasks";
import { listEngineWrites } from "../store/engine-writes";
import { countRecentReverts, listReverts } from "../store/reverts";
import { listResolvedSince } from "../store/resolved-later";
import { listOpenViolations, listViolationsSince } from "../store/violations";
import { readApprovalStatuses } from "./read-approvals";
import { buildDealChanges } from "./build-change";
import { applyAssociationTimeline } from "./read-associations";
import { groupDealEvents, isDeletedAtEnd, type DealGroup, type MergedAway } from "./group-events";
import type { EnforceFailure } from "./outcomes";
import { compilePolicies } from "./policy-set";
import { needsOpenCheck, splitUnread } from "./split-unread";
import { shippedBundleInfo, shippedPolicyFiles, shippedPortalProperties } from "./shipped-policies";
import { readPolicyVersion } from "./read-policy-version";
import { loadPortalMetadata, metadataNeeds } from "./portal-metadata";
import { governancePortalKey, readGovernance } from "./read-governance";
import type { DealSnapshot, LiveSnapshot, Snapshot } from "./snapshot";

/** Properties every run reads besides the policies' own. */
export const BASE_PROPERTIES = ["amount", "closedate", "dealname", "dealstage", "hubspot_owner_id", "pipeline"];
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

export interface ReadContext {
  db: D1Database;
  client: HubSpotClient;
  /** The run's fixed time (epoch ms). */
  now: number;
  /** A ticking clock, for when the batch read happened. */
  clock: () => number;
  appId: string;
  policyFiles: PolicyFile[];
  /** POLICY_MODE_OVERRIDE, and who bundled the files (null when they aren't the bundled set): the version history. */
  modeOverride: Mode | null;
  bundle: PolicyBundleInfo | null;
  fallbackProperties: PortalProperty[];
  managerMap: Record<string, string>;
  metadataTtlMs: number;
  /** Which portal/config the metadata belongs to (for the in-isolate memo). */
  metadataKey: string;
  /** Which portal the governance properties' install state belongs to. */
  governanceKey: string;
}

/** The read settings from the configuration; the shipped policies and portal snapshot unless others are given. */
export function readSettings(config: Config, given: { policyFiles?: PolicyFile[]; portalProperties?: PortalProperty[] }) {
  return {
    appId: config.HUBSPOT_APP_ID,
    policyFiles: given.policyFiles ?? shippedPolicyFiles(),
    modeOverride: config.POLICY_MODE_OVERRIDE,
    bundle: given.policyFiles === undefined ? shippedBundleInfo() : null,
    fallbackProperties: given.portalProperties ?? shippedPortalProperties(),
    managerMap: config.MANAGER_MAP,
    metadataTtlMs: config.METADATA_TTL_SECONDS * 1000,
    metadataKey: [config.HUBSPOT_BASE_URL, config.HUBSPOT_PORTAL_ID ?? "", config.HUBSPOT_APP_ID, JSON.stringify(config.MANAGER_MAP)].join("|"),
    governanceKey: governancePortalKey(config),
  };
}

/** Reads the batch's Snapshot; a HubSpot failure or policies that don't compile come back as values. */
export async function readSnapshot(ctx: ReadContext, events: HubSpotEvent[]): Promise<Result<Snapshot, EnforceFailure>> {
  const { db, now } = ctx;
  const allIds = [...new Set(events.map((e) => e.objectId))];
  const grouped = groupDealEvents(events, { appId: ctx.appId, engineWrites: await listEngineWrites(db, allIds, now) });
  const groups = [...grouped.deals.values()];
  const deleted = groups.filter(isDeletedAtEnd);
  const alive = groups.filter((g) => !isDeletedAtEnd(g) && g.changes.length > 0);
  const mergedOpen = grouped.mergedAway.length === 0 ? [] : await listOpenViolations(db, grouped.mergedAway.map((m) => m.dealId));
  const base = { echoes: grouped.echoes, mergedAway: grouped.mergedAway, mergedOpen, deleted };
  const governanceOf = (dealIds: string[]) => readGovernance(db, ctx.governanceKey, dealIds, grouped.governanceEdits, now);
  if (alive.length === 0) return { ok: true, value: { ...base, live: null, governance: await governanceOf([]) } };
  // D1 only and keyed by the events' deals: read while HubSpot answers, not after (it is on the way to the tasks).
  const [live, read] = await Promise.all([readLive(ctx, alive, grouped.mergedAway), governanceOf(alive.map((g) => g.dealId))]);
  if (!live.ok) return live;
  // Governance values belong to deals that still exist: a merged-away deal's events are judged on its survivor.
  const gone = new Set(live.value.deals.flatMap((d) => (d.mergedInto === null ? [] : [d.deal.id])));
  const keep = <T>(m: Map<string, T>) => new Map([...m].filter(([id]) => !gone.has(id)));
  const governance = { ...read, written: keep(read.written), facts: keep(read.facts) };
  // One D1 read per isolate and set (memoised): whether this set's version is recorded yet.
  const policyVersion = await readPolicyVersion(db, live.value.set, ctx.policyFiles, ctx.modeOverride, ctx.bundle);
  // Deals the read found merged away that no merge event of this batch named: recorded as merged like those.
  const known = new Set(grouped.mergedAway.map((m) => m.dealId));
  const found = live.value.deals.flatMap((d) => (d.mergedInto === null || known.has(d.deal.id) ? [] : [{ dealId: d.deal.id, into: d.mergedInto.dealId, at: d.mergedInto.at, events: [] }]));
  if (found.length === 0) return { ok: true, value: { ...base, live: live.value, governance, policyVersion } };
  const moreOpen = await listOpenViolations(db, found.map((m) => m.dealId));
  return { ok: true, value: { ...base, mergedAway: [...grouped.mergedAway, ...found], mergedOpen: [...mergedOpen, ...moreOpen], live: live.value, governance, policyVersion } };
}

async function readLive(ctx: ReadContext, groups: DealGroup[], mergedAway: MergedAway[]): Promise<Result<LiveSnapshot, EnforceFailure>> {
  const { db, now } = ctx;
  const metadata = await loadPortalMetadata(
    { db, client: ctx.client, ttlMs: ctx.metadataTtlMs, now, managerMap: ctx.managerMap, memoKey: ctx.metadataKey, fallbackProperties: ctx.fallbackProperties },
    metadataNeeds(groups),
  );
  if (!metadata.ok) return { ok: false, error: { kind: "hubspot", error: metadata.error } };
  const compiled = compilePolicies(ctx.policyFiles, metadata.value.schema);
  if (!compiled.ok) return { ok: false, error: { kind: "policy", message: compiled.error } };
  const set = compiled.value;

  const properties = [...new Set([...requiredProperties(set), ...BASE_PROPERTIES])].sort();
  const triggers = updateTriggers(set);
  const checkOpen = needsOpenCheck(groups, properties, triggers);
  const withOpen = checkOpen.length === 0 ? new Set<string>() : new Set((await listOpenViolations(db, checkOpen)).map((v) => v.dealId));
  const { judged: alive, unread } = splitUnread(groups, properties, triggers, withOpen);
  // History for every property read: a rule judges each value as it was when the change happened, not as it is now
  // (an amount filled in a later delivery must not make an earlier move compliant, nor a later clear a violation).
  // HubSpot allows at most 50 inputs per batch read with history; readDeals chunks accordingly.
  const withHistory = properties;
  const asked = alive.map((g) => g.dealId);
  const since = Math.min(...alive.map((g) => g.changes[0]?.occurredAt ?? now));
  // The engine's own records of the deals, read while HubSpot answers (they are on the way to the tasks).
  const [reads, facts] = await Promise.all([readDeals(ctx.client, asked, properties, withHistory), storedFacts(db, asked, since, now)]);
  if (!reads.ok) return { ok: false, error: { kind: "hubspot", error: reads.error } };
  const readAt = ctx.clock();
  const merged = await readMergedAway(ctx.client, alive, reads.value.mergedInto, properties);
  if (!merged.ok) return { ok: false, error: { kind: "hubspot", error: merged.error } };
  const foundIds = [...reads.value.found.keys(), ...reads.value.mergedInto.keys()];
  // A merged-away deal's read answers with its survivor: read the records of all of them again (rare).
  const askedIds = new Set(asked);
  const [states, open, resolvedLater, stored, reverts, recentReverts, dailyReverts, openTasks] = foundIds.every((id) => askedIds.has(id)) ? facts : await storedFacts(db, foundIds, since, now);

  const deals: DealSnapshot[] = [];
  for (const group of alive) {
    const into = reads.value.mergedInto.get(group.dealId);
    const deal = into === undefined ? reads.value.found.get(group.dealId) : (merged.value.get(group.dealId) ?? withId(reads.value.found.get(into), group.dealId));
    if (deal === undefined) continue;
    const mergedInto = into === undefined ? null : { dealId: into, at: mergedAway.find((m) => m.dealId === group.dealId)?.at ?? now };
    const openOfDeal = open
      .filter((v) => v.dealId === deal.id)
      .map((v) => ({ id: v.id, policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, fromStage: v.fromStage, fromPipelineId: null, occurredAt: v.occurredAt }));
    const later = resolvedLater
      .filter((v) => v.dealId === deal.id)
      .map((v) => ({ id: v.id, policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, fromStage: v.fromStage, fromPipelineId: null, occurredAt: v.occurredAt, resolvedAt: v.resolvedAt }));
    const state = states.get(deal.id);
    const built = buildDealChanges({ group, deal, state, properties, directory: metadata.value.directory, now });
    deals.push({ group, deal, state, open: mergedInto === null ? openOfDeal : [], resolvedLater: mergedInto === null ? later : [], ...built, associations: { ...NO_ASSOCIATIONS }, approval: null, mergedInto });
  }
  const merges = mergedAway.map((m) => ({ dealId: m.dealId, into: m.into, at: m.at }));
  const associationLog = await applyAssociationTimeline({ db, client: ctx.client, now, readAt }, set, deals, merges);
  if (!associationLog.ok) return { ok: false, error: { kind: "hubspot", error: associationLog.error } };
  const approvals = await readApprovalStatuses(ctx.client, set, deals);
  if (!approvals.ok) return { ok: false, error: { kind: "hubspot", error: approvals.error } };
  for (const d of deals) d.approval = approvals.value.get(d.deal.id) ?? null;
  const missing = alive.filter((g) => !reads.value.found.has(g.dealId) && !reads.value.mergedInto.has(g.dealId));
  return { ok: true, value: { set, metadata: metadata.value, properties, deals, missing, unread, stored, reverts, recentReverts, dailyReverts, openTasks, readAt, associationLog: associationLog.value } };
}

/** The engine's records of the deals: states, open / recent violations, reverts and open tasks. */
function storedFacts(db: D1Database, dealIds: string[], since: number, now: number) {
  return Promise.all([
    getDealStates(db, dealIds),
    listOpenViolations(db, dealIds),
    listResolvedSince(db, dealIds, since),
    listViolationsSince(db, dealIds, since),
    listReverts(db, dealIds),
    countRecentReverts(db, dealIds, now - HOUR_MS),
    countRecentReverts(db, dealIds, now - DAY_MS),
    listOpenTasks(db, dealIds),
  ]);
}

/**
 * The merged-away deals' own records (archived read): their events are judged with their own history, not the
 * survivor's. A deal HubSpot doesn't return that way is judged with the survivor's record, which carries the merged
 * deal's history combined with its own (HubSpot's changelog on deal merges).
 */
async function readMergedAway(client: HubSpotClient, alive: DealGroup[], mergedInto: Map<string, string>, properties: string[]) {
  const ids = alive.map((g) => g.dealId).filter((id) => mergedInto.has(id));
  if (ids.length === 0) return { ok: true as const, value: new Map<string, DealRecord>() };
  const reads = await readDeals(client, ids, properties, properties, { archived: true });
  if (!reads.ok) return reads;
  return { ok: true as const, value: new Map([...reads.value.found].filter(([id]) => ids.includes(id))) };
}

function withId(deal: DealRecord | undefined, id: string): DealRecord | undefined {
  return deal === undefined ? undefined : { ...deal, id };
}

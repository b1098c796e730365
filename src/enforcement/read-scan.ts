// The scheduled scan's read step: one page of open deals — their ids from the search, then the deals themselves from
// one batch read per 50 with the dealstage history (days in stage; the search index lags writes, the batch read
// doesn't) — and everything plan needs from D1, as the same Snapshot the webhook path reads. Each deal carries one
// "scan" change: the deal as it is at the scan's `now`. Reads only: it never writes and decides nothing.
import { countAssociations, NO_ASSOCIATIONS, type AssociationCounts } from "../hubspot/associations";
import { readDeals, type DealRecord } from "../hubspot/deals";
import { searchOpenDealIds } from "../hubspot/open-deals";
import { neededAssociations, requiredProperties, type AssociationKind, type CompiledPolicySet } from "../policy";
import type { Result } from "../result";
import { getDealStates } from "../store/deal-state";
import { listOpenTasks } from "../store/deal-tasks";
import { countRecentReverts, listReverts } from "../store/reverts";
import { listOpenViolations, listViolationsSince } from "../store/violations";
import { associationNeeds } from "./association-needs";
import { buildCurrentState } from "./build-change";
import type { DealGroup } from "./group-events";
import type { EnforceFailure } from "./outcomes";
import { compilePolicies } from "./policy-set";
import { loadPortalMetadata, type PortalMetadata } from "./portal-metadata";
import { BASE_PROPERTIES, type ReadContext } from "./read";
import { readGovernance } from "./read-governance";
import type { DealSnapshot, Snapshot } from "./snapshot";

const HOUR_MS = 3600_000;

export interface ScanPage {
  snapshot: Snapshot;
  /** The ids the search returned, ascending (the cursor moves to the last). */
  ids: string[];
  /** HubSpot has more open deals after this page. */
  more: boolean;
}

/** Reads one page of open deals after `afterId`; HubSpot failures and policies that don't compile come back as values. */
export async function readScanPage(ctx: ReadContext & { portalId: string; pageSize: number }, afterId: string): Promise<Result<ScanPage, EnforceFailure>> {
  const found = await searchOpenDealIds(ctx.client, afterId, ctx.pageSize);
  if (!found.ok) return { ok: false, error: { kind: "hubspot", error: found.error } };
  const { ids, more } = found.value;
  const empty: Snapshot = { echoes: [], mergedAway: [], mergedOpen: [], deleted: [], live: null, governance: await readGovernance(ctx.db, ctx.governanceKey, [], [], ctx.now) };
  if (ids.length === 0) return { ok: true, value: { snapshot: empty, ids, more } };

  const first = await metadataFor(ctx, []);
  if (!first.ok) return first;
  const properties = [...new Set([...requiredProperties(first.value.set), ...BASE_PROPERTIES])].sort();
  const reads = await readDeals(ctx.client, ids, properties, ["dealstage"]);
  if (!reads.ok) return { ok: false, error: { kind: "hubspot", error: reads.error } };
  const readAt = ctx.clock();
  const records = ids.flatMap((id) => reads.value.found.get(id) ?? []);
  // A stage or owner the cached metadata doesn't know yet refreshes it (a no-op when it knows them all).
  const known = await metadataFor(ctx, records);
  if (!known.ok) return known;
  const { set, metadata } = known.value;

  const [states, open, stored, reverts, recentReverts, dailyReverts, openTasks] = await Promise.all([
    getDealStates(ctx.db, records.map((d) => d.id)),
    listOpenViolations(ctx.db, records.map((d) => d.id)),
    listViolationsSince(ctx.db, records.map((d) => d.id), ctx.now),
    listReverts(ctx.db, records.map((d) => d.id)),
    countRecentReverts(ctx.db, records.map((d) => d.id), ctx.now - HOUR_MS),
    countRecentReverts(ctx.db, records.map((d) => d.id), ctx.now - 24 * HOUR_MS),
    listOpenTasks(ctx.db, records.map((d) => d.id)),
  ]);
  const deals: DealSnapshot[] = records.map((deal) => {
    const current = buildCurrentState(deal, properties, metadata.directory, { ...NO_ASSOCIATIONS }, ctx.now);
    const group: DealGroup = { dealId: deal.id, portalId: ctx.portalId, changes: [], deletedAt: null, restoredAt: null, events: [] };
    const openOfDeal = open
      .filter((v) => v.dealId === deal.id)
      .map((v) => ({ id: v.id, policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, fromStage: v.fromStage, fromPipelineId: null, occurredAt: v.occurredAt }));
    const built = [{ change: current, stageMoved: false, fromEnteredAt: null, inboxHashes: [] }];
    return { group, deal, state: states.get(deal.id), open: openOfDeal, built, current, associations: { ...NO_ASSOCIATIONS }, approval: null, mergedInto: null };
  });
  const counted = await readAssociations(ctx, set, deals);
  if (!counted.ok) return { ok: false, error: { kind: "hubspot", error: counted.error } };
  // A scan judges the deal as it is now: its one change carries the counts read now (evaluateDeal judges each change
  // with its own counts).
  for (const d of deals) {
    d.associations = counted.value.get(d.deal.id) ?? { ...NO_ASSOCIATIONS };
    d.current = { ...d.current, associations: d.associations };
    d.built = d.built.map((b) => ({ ...b, change: { ...b.change, associations: d.associations } }));
  }
  // The standing open violations count as stored: a scan that finds one again retries its pending actions (plan-scan).
  const storedAll = new Map([...open.map((v) => [v.id, v] as const), ...stored]);
  const live = { set, metadata, properties, deals, missing: [], unread: [], stored: storedAll, reverts, recentReverts, dailyReverts, openTasks, readAt, associationLog: { entries: [], coverage: [] } };
  const governance = await readGovernance(ctx.db, ctx.governanceKey, deals.map((d) => d.deal.id), [], ctx.now);
  return { ok: true, value: { snapshot: { ...empty, live, governance }, ids, more } };
}

/** The portal's metadata (refreshed for stages and owners these deals name) and the policies compiled against it. */
async function metadataFor(ctx: ReadContext, deals: DealRecord[]): Promise<Result<{ set: CompiledPolicySet; metadata: PortalMetadata }, EnforceFailure>> {
  const present = (xs: Array<string | null | undefined>) => xs.filter((x): x is string => typeof x === "string" && x !== "");
  const needs = { stageIds: present(deals.map((d) => d.properties.dealstage)), ownerIds: present(deals.map((d) => d.properties.hubspot_owner_id)), userIds: [] };
  const metadata = await loadPortalMetadata(
    { db: ctx.db, client: ctx.client, ttlMs: ctx.metadataTtlMs, now: ctx.now, managerMap: ctx.managerMap, memoKey: ctx.metadataKey, fallbackProperties: ctx.fallbackProperties },
    needs,
  );
  if (!metadata.ok) return { ok: false, error: { kind: "hubspot", error: metadata.error } };
  const compiled = compilePolicies(ctx.policyFiles, metadata.value.schema);
  if (!compiled.ok) return { ok: false, error: { kind: "policy", message: compiled.error } };
  return { ok: true, value: { set: compiled.value, metadata: metadata.value } };
}

/** Association counts only for the deals and kinds whose scan verdict or open violations depend on them. */
async function readAssociations(ctx: ReadContext, set: CompiledPolicySet, deals: DealSnapshot[]) {
  const kinds = neededAssociations(set);
  const wanted = new Map<AssociationKind, string[]>();
  for (const d of deals) {
    for (const kind of associationNeeds(set, kinds, [d.current], d.current, d.open, ctx.now)) wanted.set(kind, [...(wanted.get(kind) ?? []), d.deal.id]);
  }
  if (wanted.size === 0) return { ok: true as const, value: new Map<string, AssociationCounts>() };
  return countAssociations(ctx.client, wanted);
}

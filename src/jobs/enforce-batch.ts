// One run of enforcement over a batch of deal events: group → metadata → one batch read per ≤100 deals →
// evaluate in order → record (violations, transitions, close dates, resolutions, deal state) → act (reverts,
// tasks, task completion). Every step is idempotent, so a retried message finishes what a failed one started.
import type { HubSpotEvent } from "../hubspot/events";
import { countAssociations, NO_ASSOCIATIONS, type AssociationCounts } from "../hubspot/associations";
import { readDeals } from "../hubspot/deals";
import type { HubSpotError, Result } from "../hubspot/errors";
import { neededAssociations, requiredProperties, type AssociationKind, type Mode, type PolicyFile, type PortalProperty } from "../policy";
import { getDealStates, markDealsGoneStatements, upsertDealStateStatements } from "../store/deal-state";
import { findEngineWrites } from "../store/engine-writes";
import { getReverts } from "../store/reverts";
import { setInboxDispositionStatement } from "../store/inbox-dispositions";
import { insertCloseDateStatements, insertTransitionStatements } from "../store/transitions";
import {
  getViolations,
  insertViolationStatements,
  listOpenViolations,
  resolveViolationStatements,
  type RecordedAction,
  type Resolution,
  type ViolationInsert,
} from "../store/violations-write";
import { associationNeeds } from "./association-needs";
import { buildCurrentState, buildDealChange } from "./build-change";
import { executeActions } from "./execute-actions";
import { evaluateDeal, type DealEvaluation, type DetectedViolation } from "./evaluate-deals";
import { groupDealEvents, isDeletedAtEnd } from "./group-events";
import { initialActions } from "./plan-actions";
import { compilePolicies } from "./policy-set";
import { loadPortalMetadata } from "./portal-metadata";
import type { RunContext } from "./run-context";

/** Properties every run reads besides the policies' own. */
const BASE_PROPERTIES = ["amount", "closedate", "dealname", "dealstage", "hubspot_owner_id", "pipeline"];

export interface EnforceInput {
  events: HubSpotEvent[];
  policyFiles: PolicyFile[];
  fallbackProperties: PortalProperty[];
  modeOverride: Mode | null;
  managerMap: Record<string, string>;
  metadataTtlMs: number;
  /** Which portal/config the metadata belongs to (for the in-isolate memo). */
  metadataKey: string;
}

export interface EnforceStats {
  deals: number;
  echoes: number;
  dropped: number;
  violations: number;
  tasksCreated: number;
  reverts: number;
  resolved: number;
}

export type EnforceFailure = { kind: "hubspot"; error: HubSpotError } | { kind: "policy"; message: string };

const hashes = (events: HubSpotEvent[]) => events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash]));

export async function enforceBatch(ctx: Omit<RunContext, "set" | "metadata" | "lastRead">, input: EnforceInput): Promise<Result<EnforceStats, EnforceFailure>> {
  const { db, now } = ctx;
  const stats: EnforceStats = { deals: 0, echoes: 0, dropped: 0, violations: 0, tasksCreated: 0, reverts: 0, resolved: 0 };
  const allIds = [...new Set(input.events.map((e) => e.objectId))];
  const grouped = groupDealEvents(input.events, { appId: ctx.appId, engineWrites: await findEngineWrites(db, allIds, now) });
  const early: D1PreparedStatement[] = [];
  if (grouped.echoes.length > 0) {
    stats.echoes = grouped.echoes.length;
    const unverified = grouped.echoes.filter((e) => !e.verified);
    if (unverified.length > 0) console.warn(`${unverified.length} INTEGRATION events carry our app id without a matching engine write`);
    early.push(setInboxDispositionStatement(db, hashes(grouped.echoes.map((e) => e.event)), "ignored", "engine echo (own write)", now));
  }
  const gone: Array<{ dealId: string; status: "deleted" | "merged"; mergedInto: string | null; at: number }> = [];
  const goneResolutions: Resolution[] = [];
  for (const m of grouped.mergedAway) gone.push({ dealId: m.dealId, status: "merged", mergedInto: m.into, at: m.at });
  const live = [...grouped.deals.values()].filter((g) => {
    if (!isDeletedAtEnd(g)) return g.changes.length > 0;
    gone.push({ dealId: g.dealId, status: "deleted", mergedInto: null, at: g.deletedAt ?? now });
    early.push(setInboxDispositionStatement(db, hashes(g.events), "dropped", "deal deleted", now));
    stats.dropped += g.events.length;
    return false;
  });
  if (grouped.mergedAway.length > 0) {
    const openMerged = await listOpenViolations(db, grouped.mergedAway.map((m) => m.dealId));
    for (const v of openMerged) {
      const into = grouped.mergedAway.find((m) => m.dealId === v.dealId);
      goneResolutions.push({ id: v.id, resolvedAt: into?.at ?? now, resolvedBy: `merged:${into?.into ?? "?"}`, resolvedByEvent: into?.events[0]?.inboxHash ?? null });
    }
  }
  early.push(...markDealsGoneStatements(db, gone, now), ...resolveViolationStatements(db, goneResolutions));
  if (live.length === 0) {
    if (early.length > 0) await db.batch(early);
    return { ok: true, value: stats };
  }

  const stageIds = live.flatMap((g) => g.changes.flatMap((c) => [c.values.get("dealstage") ?? ""])).filter((x) => x !== "");
  const ownerIds = live.flatMap((g) => g.changes.flatMap((c) => [c.values.get("hubspot_owner_id") ?? ""])).filter((x) => x !== "");
  const userIds = live.flatMap((g) => g.changes.flatMap((c) => [/^userId:(\d+)$/.exec(c.sourceId ?? "")?.[1] ?? ""])).filter((x) => x !== "");
  const metadata = await loadPortalMetadata(
    { db, client: ctx.client, ttlMs: input.metadataTtlMs, now, managerMap: input.managerMap, memoKey: input.metadataKey, fallbackProperties: input.fallbackProperties, countCalls: (n) => (ctx.calls.count += n) },
    { stageIds, ownerIds, userIds },
  );
  if (!metadata.ok) return { ok: false, error: { kind: "hubspot", error: metadata.error } };
  const compiled = compilePolicies(input.policyFiles, metadata.value.schema);
  if (!compiled.ok) return { ok: false, error: { kind: "policy", message: compiled.error } };
  const run: RunContext = { ...ctx, set: compiled.set, metadata: metadata.value, lastRead: new Map() };

  const properties = [...new Set([...requiredProperties(run.set), ...BASE_PROPERTIES])].sort();
  // History only where old values matter: the stage/pipeline/close date and whatever these events changed. Other
  // properties are taken as they are now (their history would multiply the payload for nothing).
  const changedNames = live.flatMap((g) => g.changes.flatMap((c) => [...c.values.keys()]));
  const withHistory = [...new Set(["dealstage", "pipeline", "closedate", ...changedNames])].filter((p) => properties.includes(p)).sort();
  const reads = await readDeals(run.client, live.map((g) => g.dealId), properties, withHistory);
  if (!reads.ok) {
    run.calls.count++;
    return { ok: false, error: { kind: "hubspot", error: reads.error } };
  }
  run.calls.count += reads.value.calls;
  const readAt = run.clock();
  for (const [id, deal] of reads.value.found) {
    run.lastRead.set(id, { stage: deal.properties.dealstage ?? null, pipeline: deal.properties.pipeline ?? null, at: readAt });
  }
  for (const id of reads.value.missing) {
    const g = grouped.deals.get(id);
    gone.push({ dealId: id, status: "deleted", mergedInto: null, at: now });
    early.push(...markDealsGoneStatements(db, [{ dealId: id, status: "deleted", mergedInto: null, at: now }], now));
    if (g !== undefined) {
      early.push(setInboxDispositionStatement(db, hashes(g.events), "dropped", "deal no longer exists in HubSpot", now));
      stats.dropped += g.events.length;
    }
  }
  const foundIds = [...reads.value.found.keys()];
  const states = await getDealStates(db, foundIds);
  const open = await listOpenViolations(db, foundIds);
  const openOf = (id: string) =>
    open.filter((v) => v.dealId === id).map((v) => ({ id: v.id, policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, occurredAt: v.occurredAt }));

  // Association counts: read only the kinds, for only the deals, whose verdicts depend on them.
  let associations = new Map<string, AssociationCounts>();
  const kinds = neededAssociations(run.set);
  if (kinds.length > 0 && foundIds.length > 0) {
    const wanted = new Map<AssociationKind, string[]>();
    for (const id of foundIds) {
      const group = grouped.deals.get(id);
      const deal = reads.value.found.get(id);
      if (group === undefined || deal === undefined) continue;
      const probe = { deal, state: states.get(id), properties, directory: run.metadata.directory, associations: { ...NO_ASSOCIATIONS } };
      const changes = group.changes.map((g) => buildDealChange({ ...probe, group: g }).change);
      const current = buildCurrentState(deal, properties, run.metadata.directory, { ...NO_ASSOCIATIONS }, now);
      for (const kind of associationNeeds(run.set, kinds, changes, current, openOf(id), now)) wanted.set(kind, [...(wanted.get(kind) ?? []), id]);
    }
    const counted = await countAssociations(run.client, wanted);
    if (!counted.ok) {
      run.calls.count++;
      return { ok: false, error: { kind: "hubspot", error: counted.error } };
    }
    run.calls.count += counted.value.calls;
    associations = counted.value.counts;
  }

  const evaluations: DealEvaluation[] = [];
  for (const id of foundIds) {
    const group = grouped.deals.get(id);
    const deal = reads.value.found.get(id);
    if (group === undefined || deal === undefined) continue;
    evaluations.push(
      await evaluateDeal({
        group, deal, state: states.get(id), set: run.set, properties, metadata: run.metadata, modeOverride: input.modeOverride, now,
        open: openOf(id),
        associations: associations.get(id) ?? { ...NO_ASSOCIATIONS },
      }),
    );
  }
  stats.deals = evaluations.length;

  const detected = evaluations.flatMap((e) => e.detected);
  stats.violations = detected.length;
  const stored = await getViolations(db, detected.map((d) => d.id));
  const resolvedIds = new Set(evaluations.flatMap((e) => e.resolutions.map((r) => r.id)));
  // A deal the engine itself moved back "complies" again, but the rep still gets the rule's task: such violations
  // (reverted in an earlier attempt of this message) keep their remaining actions.
  const revertRows = await getReverts(db, detected.map((d) => d.id));
  const revertedBefore = (id: string) => stored.get(id)?.reverted === true || revertRows.get(id)?.status === "done";
  const records = new Map<string, { d: DetectedViolation; actions: RecordedAction[]; open: boolean }>();
  const inserts: ViolationInsert[] = [];
  for (const d of detected) {
    if (records.has(d.id)) continue;
    const existing = stored.get(d.id);
    const actions = existing?.actions ?? initialActions(d);
    const open = revertedBefore(d.id) || ((existing?.status ?? "open") === "open" && !resolvedIds.has(d.id));
    records.set(d.id, { d, actions, open });
    if (existing === undefined) inserts.push(toInsert(d, actions, now, (id) => (id === null ? null : (run.metadata.stages.get(id)?.stage.label ?? null))));
  }
  await db.batch([
    ...early,
    ...insertViolationStatements(db, inserts),
    ...insertTransitionStatements(db, evaluations.flatMap((e) => e.transitions)),
    ...insertCloseDateStatements(db, evaluations.flatMap((e) => e.closeDates)),
    ...resolveViolationStatements(db, evaluations.flatMap((e) => e.resolutions)),
    ...upsertDealStateStatements(db, evaluations.map((e) => e.state), now),
  ]);
  stats.resolved = resolvedIds.size + goneResolutions.length;

  const executed = await executeActions(run, [...records.values()], evaluations.filter((e) => e.resolutions.length > 0).map((e) => e.dealId));
  if (!executed.ok) return { ok: false, error: { kind: "hubspot", error: executed.error } };
  stats.tasksCreated = executed.value.tasksCreated;
  stats.reverts = executed.value.reverts;
  return { ok: true, value: stats };
}

function toInsert(d: DetectedViolation, actions: RecordedAction[], now: number, label: (stageId: string | null) => string | null): ViolationInsert {
  const c = d.built.change;
  const v = d.violation;
  return {
    id: d.id, portalId: d.portalId, dealId: c.dealId, dealName: d.dealName, pipelineId: c.pipelineId,
    fromStage: c.fromStage, toStage: c.toStage, fromStageLabel: label(c.fromStage), toStageLabel: label(c.toStage),
    policyId: v.policyId, policyVersion: v.policyVersion, ruleId: v.ruleId, severity: v.severity, mode: d.mode,
    message: v.message, missing: v.missing, trace: v.trace, actions, ownerId: c.ownerId, teamId: d.teamId,
    actorUserId: c.actor.userId, actorOwnerId: c.actor.ownerId, changeSource: c.actor.changeSource, sourceId: c.actor.sourceId,
    sourceEvents: d.built.inboxHashes, occurredAt: c.occurredAt, detectedAt: now,
  };
}

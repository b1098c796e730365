// Builds the policy core's DealChange for one change group from the batch-read deal and its property history:
// values as of the change's time (so an out-of-order batch is judged as if in order), the stage it came from
// (the history entry before the event's value), falling back to the engine's last-known state. Pure.
import { NO_ASSOCIATIONS } from "../hubspot/associations";
import type { DealRecord, HistoryEntry } from "../hubspot/deals";
import type { Actor, AssociationKind, DealChange, ValueOrigin } from "../policy";
import type { DealState } from "../store/deal-state";
import type { ChangeGroup, DealGroup } from "./group-events";
import { stageEnteredAt } from "./stage-entry";

export interface OwnerDirectory {
  ownerTeams(ownerId: string | null): string[];
  ownerIdForUser(userId: string | null): string | null;
  managerOf(ownerId: string | null): string | null;
}

export interface BuiltChange {
  change: DealChange;
  stageMoved: boolean;
  /** When the deal entered fromStage, if history says. */
  fromEnteredAt: number | null;
  inboxHashes: string[];
  /** Association kinds the set counts that had no timeline for the deal yet: judged as 0 (no rule needed them). */
  uncounted?: AssociationKind[];
}

interface Located {
  value: string | null;
  previous: string | null;
  previousAt: number | null;
  found: boolean;
}

/** The history entry carrying `value` closest to `at`, and the entry before it. */
function locate(entries: HistoryEntry[] | undefined, value: string | null, at: number): Located {
  if (entries === undefined || entries.length === 0) return { value, previous: null, previousAt: null, found: false };
  let best = -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (e === undefined || e.value !== (value ?? "")) continue;
    const current = entries[best];
    if (best === -1 || current === undefined || Math.abs(e.timestamp - at) < Math.abs(current.timestamp - at)) best = i;
  }
  if (best === -1) {
    const before = valueAt(entries, at - 1);
    return { value, previous: before.value, previousAt: before.at, found: false };
  }
  const prev = entries[best - 1];
  return { value, previous: prev?.value ?? null, previousAt: prev?.timestamp ?? null, found: true };
}

/** The value a property had at `at` (last entry with timestamp ≤ at). */
function valueAt(entries: HistoryEntry[] | undefined, at: number): { value: string | null; at: number | null } {
  if (entries === undefined) return { value: null, at: null };
  let found: HistoryEntry | undefined;
  for (const e of entries) {
    if (e.timestamp <= at) found = e;
    else break;
  }
  return found === undefined ? { value: null, at: null } : { value: found.value, at: found.timestamp };
}

/**
 * Why a value is what the change is judged with. The event's own value and a history entry at or before the change
 * are as of the change; a property HubSpot returned no history for is as of the change only when it is empty now
 * (never set); otherwise its current value stands in, and the trace says so.
 */
function originOf(name: string, inEvent: boolean, entries: HistoryEntry[] | undefined, now: string | null | undefined, at: number): ValueOrigin {
  if (inEvent) return { origin: "as-of", reason: "set by this change" };
  if (entries === undefined) return { origin: "current", reason: `no history read for ${name}` };
  if (entries.length === 0) {
    return emptyToNull(now) === null ? { origin: "as-of", reason: "never set (no history, empty now)" } : { origin: "current", reason: "HubSpot returned no history for it" };
  }
  const entry = valueAt(entries, at);
  if (entry.at === null) return { origin: "as-of", reason: `not yet set (first set ${new Date(entries[0]?.timestamp ?? 0).toISOString()})` };
  return { origin: "as-of", reason: `history entry of ${new Date(entry.at).toISOString()}` };
}

function emptyToNull(v: string | null | undefined): string | null {
  return v === undefined || v === null || v === "" ? null : v;
}

function parseUserId(sourceId: string | null, fallback: string | null): string | null {
  const match = sourceId === null ? null : /^userId:(\d+)$/.exec(sourceId);
  return match?.[1] ?? fallback;
}

export interface BuildInput {
  group: ChangeGroup;
  deal: DealRecord;
  state: DealState | undefined;
  properties: string[];
  directory: OwnerDirectory;
  associations: { contacts: number; companies: number; line_items: number };
}

interface ValuesAsOf {
  oldValues: Record<string, string | null>;
  newValues: Record<string, string | null>;
  origins: Record<string, ValueOrigin>;
  /** When the deal entered the stage this change left (dealstage history). */
  fromEnteredAt: number | null;
  /** The user who wrote one of the change's values, from the property history. */
  updatedByUserId: string | null;
}

/** Every property's value before and after the change, as of its time, with where each value came from. */
function valuesAsOf(group: ChangeGroup, deal: DealRecord, names: ReadonlySet<string>): ValuesAsOf {
  const at = group.occurredAt;
  const out: ValuesAsOf = { oldValues: {}, newValues: {}, origins: {}, fromEnteredAt: null, updatedByUserId: null };
  for (const name of names) {
    const entries = deal.history[name];
    const hasHistory = entries !== undefined && entries.length > 0;
    out.origins[name] = originOf(name, group.values.has(name), entries, deal.properties[name], at);
    if (group.values.has(name)) {
      const located = locate(entries, group.values.get(name) ?? null, at);
      out.newValues[name] = emptyToNull(located.value);
      out.oldValues[name] = group.kind === "created" ? null : emptyToNull(located.previous);
      if (name === "dealstage") out.fromEnteredAt = located.previousAt;
      if (located.found && entries !== undefined) {
        const entry = entries.find((e) => e.value === (located.value ?? "") && e.updatedByUserId !== null);
        out.updatedByUserId ??= entry?.updatedByUserId ?? null;
      }
    } else {
      const v = hasHistory ? valueAt(entries, at).value : (deal.properties[name] ?? null);
      out.newValues[name] = emptyToNull(v);
      out.oldValues[name] = group.kind === "created" ? null : emptyToNull(v);
    }
  }
  return out;
}

/** Who made the change, as the policies see them (deal owner? the owner's manager?). */
function actorOf(group: ChangeGroup, updatedByUserId: string | null, ownerId: string | null, directory: OwnerDirectory): Actor {
  const actorUserId = parseUserId(group.sourceId, updatedByUserId);
  const actorOwnerId = directory.ownerIdForUser(actorUserId);
  return {
    userId: actorUserId,
    ownerId: actorOwnerId,
    teamIds: directory.ownerTeams(actorOwnerId),
    isDealOwner: actorOwnerId !== null && actorOwnerId === ownerId,
    isManager: actorOwnerId !== null && directory.managerOf(ownerId) === actorOwnerId,
    changeSource: group.changeSource ?? (group.kind === "created" ? "CRM_UI" : "UNKNOWN"),
    sourceId: group.sourceId,
  };
}

/** Builds the change as it looked when it happened. Never throws. */
export function buildDealChange(input: BuildInput): BuiltChange {
  const { group, deal, state, properties, directory } = input;
  const at = group.occurredAt;
  const names = new Set([...properties, ...group.values.keys()]);
  const asOf = valuesAsOf(group, deal, names);
  const { oldValues, newValues, origins } = asOf;
  let fromEnteredAt = asOf.fromEnteredAt;
  const stageChanged = group.values.has("dealstage") || (group.kind === "created" && newValues.dealstage !== null);
  let fromStage: string | null = null;
  if (stageChanged && group.kind !== "created") {
    fromStage = oldValues.dealstage ?? null;
    // History can be missing (permissions, very old deals): the engine's own last-known stage stands in.
    if (fromStage === null && state !== undefined && state.stageId !== null && state.stageId !== newValues.dealstage) {
      fromStage = state.stageId;
      oldValues.dealstage = fromStage;
      fromEnteredAt = state.stageEnteredAt;
    }
  }
  const toStage = newValues.dealstage ?? null;
  const pipelineId = newValues.pipeline ?? null;
  let fromPipelineId = group.values.has("pipeline") && group.kind !== "created" ? (oldValues.pipeline ?? null) : pipelineId;
  if (fromPipelineId === null && group.values.has("pipeline") && state !== undefined) fromPipelineId = state.pipelineId;
  const ownerId = newValues.hubspot_owner_id ?? null;
  const actor = actorOf(group, asOf.updatedByUserId, ownerId, directory);
  const stageMoved = stageChanged && (group.kind === "created" || fromStage !== toStage);
  const changedProperties =
    group.kind === "created"
      ? [...names].filter((name) => newValues[name] !== null)
      : [...group.values.keys()].filter((name) => name === "dealstage" || oldValues[name] !== newValues[name]);
  return {
    change: {
      dealId: deal.id,
      kind: group.kind,
      pipelineId,
      fromPipelineId,
      fromStage: stageMoved ? fromStage : null,
      toStage,
      changedProperties,
      old: oldValues,
      new: newValues,
      ownerId,
      ownerTeamIds: directory.ownerTeams(ownerId),
      actor,
      associations: input.associations,
      occurredAt: at,
      stageEnteredAt: stageEnteredAt(deal.history.dealstage, toStage, at) ?? (stageMoved ? at : null),
      origins,
    },
    stageMoved,
    fromEnteredAt,
    inboxHashes: group.events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash])),
  };
}

/** A synthetic "scan" change describing the deal as it is now: what open violations are re-checked against. */
export function buildCurrentState(deal: DealRecord, properties: string[], directory: OwnerDirectory, associations: BuildInput["associations"], at: number): DealChange {
  const values: Record<string, string | null> = {};
  for (const name of new Set([...properties, "dealstage", "pipeline", "hubspot_owner_id"])) values[name] = emptyToNull(deal.properties[name]);
  const ownerId = values.hubspot_owner_id ?? null;
  return {
    dealId: deal.id,
    kind: "scan",
    pipelineId: values.pipeline ?? null,
    fromPipelineId: values.pipeline ?? null,
    fromStage: null,
    toStage: values.dealstage ?? null,
    changedProperties: [],
    old: values,
    new: values,
    ownerId,
    ownerTeamIds: directory.ownerTeams(ownerId),
    actor: { userId: null, ownerId: null, teamIds: [], isDealOwner: false, isManager: false, changeSource: "SCAN", sourceId: null },
    associations,
    occurredAt: at,
    stageEnteredAt: stageEnteredAt(deal.history.dealstage, values.dealstage ?? null, Number.POSITIVE_INFINITY),
    origins: Object.fromEntries(Object.keys(values).map((name) => [name, { origin: "current" as const, reason: "the deal as it is now" }])),
  };
}

/**
 * Every change of one deal's group, built once with no association counts (evaluate applies the counts read), and the
 * deal as it is now at `now`. Never throws.
 */
export function buildDealChanges(input: Omit<BuildInput, "group" | "associations"> & { group: DealGroup; now: number }): { built: BuiltChange[]; current: DealChange } {
  const associations = { ...NO_ASSOCIATIONS };
  return {
    built: input.group.changes.map((group) => buildDealChange({ ...input, group, associations })),
    current: buildCurrentState(input.deal, input.properties, input.directory, associations, input.now),
  };
}

// Per-change evaluation context: the change sanitised into a trusted shape (any input → no throw later),
// its from/to stages, and the CEL variables — built at most once per change, only when a CEL expression needs them.
import type { CelRuntime, InternalPolicySet } from "./plan";
import { findStage, type StageInfo } from "./portal-index";
import { normalizeChangeSource } from "./source";
import type { Actor, ApprovalStatus, ChangeSourceKind, DealChange, ValueOrigin } from "./types";
import { readRaw } from "./template";
import { convertValue } from "./values";
import { daysInStage } from "./days-in-stage";

export interface ChangeContext {
  change: DealChange;
  from: StageInfo | null;
  to: StageInfo | null;
  stageChanged: boolean;
  pipelineChanged: boolean;
  source: ChangeSourceKind;
  now: number;
  /** A stage's label for messages (its id when unknown). */
  labelOf(stageId: string): string;
  /** Lazily built CEL variables. */
  cel(): Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" && Number.isFinite(v) ? String(v) : null);
/** Arrays of strings are kept as they are (the common case); anything else is filtered into a new array. */
const strings = (v: unknown): string[] => {
  if (!Array.isArray(v)) return [];
  for (const x of v) if (typeof x !== "string") return v.filter((y): y is string => typeof y === "string");
  return v as string[];
};
const count = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0);
const counts = (v: unknown): DealChange["associations"] => {
  const a = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
  return { contacts: count(a.contacts), companies: count(a.companies), line_items: count(a.line_items) };
};
const EMPTY: Record<string, string | null> = Object.freeze(Object.create(null) as Record<string, string | null>);
/**
 * Property maps are kept by reference, not copied (the hot path): every reader goes through a typed, own-property
 * read (`readRaw` / `convertValue`), so odd values inside them are harmless.
 */
const record = (v: unknown): Record<string, string | null> => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, string | null>) : EMPTY);

/** Copies an untrusted change into a well-typed one (unknown shapes become nulls/empties). Never throws. */
export function sanitizeChange(input: unknown): DealChange {
  const c = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const a = (typeof c.actor === "object" && c.actor !== null ? c.actor : {}) as Record<string, unknown>;
  const kind = c.kind === "created" || c.kind === "scan" ? c.kind : "updated";
  const actor: Actor = {
    userId: str(a.userId),
    ownerId: str(a.ownerId),
    teamIds: strings(a.teamIds),
    isDealOwner: a.isDealOwner === true,
    isManager: a.isManager === true,
    changeSource: str(a.changeSource) ?? "",
    sourceId: str(a.sourceId),
  };
  return {
    dealId: str(c.dealId) ?? "",
    kind,
    pipelineId: str(c.pipelineId),
    fromPipelineId: str(c.fromPipelineId),
    fromStage: str(c.fromStage),
    toStage: str(c.toStage),
    changedProperties: strings(c.changedProperties),
    old: record(c.old),
    new: record(c.new),
    ownerId: str(c.ownerId),
    ownerTeamIds: strings(c.ownerTeamIds),
    actor,
    associations: counts(c.associations),
    ...(typeof c.associationsBefore === "object" && c.associationsBefore !== null ? { associationsBefore: counts(c.associationsBefore) } : {}),
    occurredAt: typeof c.occurredAt === "number" && Number.isFinite(c.occurredAt) ? c.occurredAt : 0,
    approval: isApprovalStatus(c.approval) ? c.approval : null,
    stageEnteredAt: typeof c.stageEnteredAt === "number" && Number.isFinite(c.stageEnteredAt) ? c.stageEnteredAt : null,
    origins: sanitizeOrigins(c.origins),
  };
}

const APPROVAL_STATUSES: readonly ApprovalStatus[] = ["APPROVED", "PENDING", "REJECTED", "NO_APPROVAL_NEEDED", "NOT_APPLICABLE"];
function isApprovalStatus(v: unknown): v is ApprovalStatus {
  return typeof v === "string" && (APPROVAL_STATUSES as readonly string[]).includes(v);
}

function sanitizeOrigins(v: unknown): Record<string, ValueOrigin> | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return undefined;
  const out: Record<string, ValueOrigin> = {};
  for (const [name, o] of Object.entries(v as Record<string, unknown>)) {
    const r = (typeof o === "object" && o !== null ? o : {}) as Record<string, unknown>;
    if (r.origin !== "as-of" && r.origin !== "current") continue;
    out[name] = { origin: r.origin, reason: str(r.reason) ?? "" };
  }
  return out;
}

/** Builds the context for one (already sanitised) change. */
export function createChangeContext(set: InternalPolicySet, change: DealChange, now: number): ChangeContext {
  const to = findStage(set.index, change.pipelineId, change.toStage);
  const from = findStage(set.index, change.fromPipelineId ?? change.pipelineId, change.fromStage);
  const stageChanged = change.kind !== "scan" && change.toStage !== null && change.fromStage !== null && change.fromStage !== change.toStage;
  const pipelineChanged = change.fromPipelineId !== null && change.pipelineId !== null && change.fromPipelineId !== change.pipelineId;
  const source = normalizeChangeSource(change.actor.changeSource);
  let variables: Record<string, unknown> | null = null;
  const context: ChangeContext = {
    change,
    from,
    to,
    stageChanged,
    pipelineChanged,
    source,
    now,
    labelOf: (id) => findStage(set.index, change.pipelineId, id)?.label ?? id,
    cel() {
      variables ??= buildCelVariables(set.cel, context);
      return variables;
    },
  };
  return context;
}

function buildCelVariables(cel: CelRuntime, ctx: ChangeContext): Record<string, unknown> {
  const { change } = ctx;
  const deal = (values: Record<string, string | null>): Record<string, unknown> => {
    const out = cel.makeDeal();
    for (const p of cel.celProperties) {
      const v = convertValue(p.type, readRaw(values, p.name));
      if (v !== undefined) out[p.name] = v;
    }
    return out;
  };
  const changeVar = cel.makeChange();
  changeVar.kind = change.kind;
  changeVar.properties = change.changedProperties;
  changeVar.stageChanged = ctx.stageChanged;
  changeVar.pipelineChanged = ctx.pipelineChanged;
  changeVar.from = toCelStage(cel, ctx.from, change.fromStage, change.fromPipelineId ?? change.pipelineId);
  changeVar.to = toCelStage(cel, ctx.to, change.toStage, change.pipelineId);
  const actor = cel.makeActor();
  actor.userId = change.actor.userId ?? "";
  actor.ownerId = change.actor.ownerId ?? "";
  actor.teamIds = change.actor.teamIds;
  actor.isOwner = change.actor.isDealOwner;
  actor.isManager = change.actor.isManager;
  actor.source = ctx.source;
  actor.changeSource = change.actor.changeSource;
  actor.sourceId = change.actor.sourceId ?? "";
  const info = cel.makeDealInfo();
  info.id = change.dealId;
  info.ownerId = change.ownerId ?? "";
  info.teamIds = change.ownerTeamIds;
  info.pipeline = change.pipelineId ?? "";
  info.contacts = BigInt(change.associations.contacts);
  info.companies = BigInt(change.associations.companies);
  info.lineItems = BigInt(change.associations.line_items);
  const days = daysInStage(change, ctx.now);
  if (days !== null) info.daysInStage = days;
  return { old: deal(change.old), new: deal(change.new), change: changeVar, actor, deal: info, now: ctx.now };
}

const stageCache = new WeakMap<StageInfo, Record<string, unknown>>();

/** A stage as CEL sees it; an absent stage has id "" and index -1, an unknown one its raw id and index -1. */
export function toCelStage(cel: CelRuntime, stage: StageInfo | null, rawId: string | null, pipelineId: string | null): Record<string, unknown> {
  if (stage !== null) {
    const cached = stageCache.get(stage);
    if (cached !== undefined) return cached;
  }
  const out = cel.makeStage();
  out.id = stage?.id ?? rawId ?? "";
  out.label = stage?.label ?? rawId ?? "";
  out.index = BigInt(stage?.index ?? -1);
  out.isClosed = stage?.isClosed ?? false;
  out.isWon = stage?.isWon ?? false;
  out.isLost = stage?.isLost ?? false;
  out.probability = stage?.probability ?? -1;
  out.pipeline = stage?.pipelineId ?? pipelineId ?? "";
  if (stage !== null) stageCache.set(stage, out);
  return out;
}

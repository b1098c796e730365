// The stored form of a judged change (judged_changes.change, migration 0017): compact JSON — `old` only where it
// differs from `new` — and its validating decoder, so a back-test replays exactly what the engine judged. Pure.
import type { ApprovalStatus, AssociationKind, DealChange } from "../policy";
import type { BuiltChange } from "./build-change";

type Values = Record<string, string | null>;

/** The stored shape (version 1). */
export interface JudgedChange {
  v: 1;
  dealId: string;
  kind: DealChange["kind"];
  pipelineId: string | null;
  fromPipelineId: string | null;
  fromStage: string | null;
  toStage: string | null;
  changed: string[];
  new: Values;
  /** Only the values that differ from `new`. */
  oldDiff: Values;
  ownerId: string | null;
  ownerTeamIds: string[];
  actor: DealChange["actor"];
  associations: DealChange["associations"];
  /** The counts just before, when an association changed with the change (what makes a skip good). */
  associationsBefore?: DealChange["associations"];
  approval?: ApprovalStatus | null;
  occurredAt: number;
  stageMoved: boolean;
  fromEnteredAt: number | null;
  /** Association kinds counted 0 for want of a timeline (no rule needed them when the change was judged). */
  uncounted?: AssociationKind[];
}

/** The JSON stored for one judged change. */
export function encodeJudgedChange(b: BuiltChange): string {
  const c = b.change;
  const oldDiff: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(c.old)) if ((c.new[name] ?? null) !== value) oldDiff[name] = value;
  const stored: JudgedChange = {
    v: 1, dealId: c.dealId, kind: c.kind, pipelineId: c.pipelineId, fromPipelineId: c.fromPipelineId, fromStage: c.fromStage, toStage: c.toStage,
    changed: c.changedProperties, new: c.new, oldDiff, ownerId: c.ownerId, ownerTeamIds: c.ownerTeamIds, actor: c.actor,
    associations: c.associations, approval: c.approval ?? null, occurredAt: c.occurredAt, stageMoved: b.stageMoved, fromEnteredAt: b.fromEnteredAt,
    ...(c.associationsBefore === undefined ? {} : { associationsBefore: c.associationsBefore }),
    ...(b.uncounted === undefined || b.uncounted.length === 0 ? {} : { uncounted: b.uncounted }),
  };
  return JSON.stringify(stored);
}

/** A stored change back as the built change it was; an unreadable one is an error value naming why. */
export function decodeJudgedChange(json: string): { ok: true; value: BuiltChange } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  // Checked by hand, not by a schema library: a back-test decodes 100,000 of these in well under a second.
  const problem = problemOf(raw);
  if (problem !== null) return { ok: false, error: problem };
  const s = raw as JudgedChange;
  const change: DealChange = {
    dealId: s.dealId, kind: s.kind, pipelineId: s.pipelineId, fromPipelineId: s.fromPipelineId, fromStage: s.fromStage, toStage: s.toStage,
    changedProperties: s.changed, old: { ...s.new, ...s.oldDiff }, new: s.new, ownerId: s.ownerId, ownerTeamIds: s.ownerTeamIds,
    actor: s.actor, associations: s.associations, approval: s.approval ?? null, occurredAt: s.occurredAt,
    ...(s.associationsBefore === undefined ? {} : { associationsBefore: s.associationsBefore }),
  };
  return { ok: true, value: { change, stageMoved: s.stageMoved, fromEnteredAt: s.fromEnteredAt, inboxHashes: [], ...(s.uncounted === undefined ? {} : { uncounted: s.uncounted }) } };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isText = (v: unknown): boolean => typeof v === "string" || v === null;
const isStrings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === "string");
const isValues = (v: unknown): boolean => isObject(v) && Object.values(v).every(isText);
const isCounts = (c: unknown): boolean => isObject(c) && typeof c.contacts === "number" && typeof c.companies === "number" && typeof c.line_items === "number";
const KINDS: readonly unknown[] = ["created", "updated", "scan"];
const APPROVALS: readonly unknown[] = ["APPROVED", "PENDING", "REJECTED", "NO_APPROVAL_NEEDED", "NOT_APPLICABLE", null, undefined];
const ASSOCIATION_KINDS: readonly unknown[] = ["contacts", "companies", "line_items"];

/** What is wrong with a stored change (the first field found), or null. */
function problemOf(r: unknown): string | null {
  if (!isObject(r)) return "not an object";
  if (r.v !== 1) return `v: unknown version ${String(r.v)}`;
  if (typeof r.dealId !== "string") return "dealId: not a string";
  if (!KINDS.includes(r.kind)) return `kind: ${String(r.kind)}`;
  for (const f of ["pipelineId", "fromPipelineId", "fromStage", "toStage", "ownerId"] as const) if (!isText(r[f])) return `${f}: not a string or null`;
  if (!isStrings(r.changed) || !isStrings(r.ownerTeamIds)) return "changed/ownerTeamIds: not a list of strings";
  if (!isValues(r.new) || !isValues(r.oldDiff)) return "new/oldDiff: not a map of strings";
  const a = r.actor;
  if (!isObject(a) || !isText(a.userId) || !isText(a.ownerId) || !isStrings(a.teamIds) || typeof a.isDealOwner !== "boolean" || typeof a.isManager !== "boolean" || typeof a.changeSource !== "string" || !isText(a.sourceId)) return "actor: malformed";
  if (!isCounts(r.associations)) return "associations: malformed";
  if (r.associationsBefore !== undefined && !isCounts(r.associationsBefore)) return "associationsBefore: malformed";
  if (r.uncounted !== undefined && !(Array.isArray(r.uncounted) && r.uncounted.every((k) => ASSOCIATION_KINDS.includes(k)))) return "uncounted: malformed";
  if (!APPROVALS.includes(r.approval)) return `approval: ${String(r.approval)}`;
  if (typeof r.occurredAt !== "number" || typeof r.stageMoved !== "boolean" || !(typeof r.fromEnteredAt === "number" || r.fromEnteredAt === null)) return "occurredAt/stageMoved/fromEnteredAt: malformed";
  return null;
}

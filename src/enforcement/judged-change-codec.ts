// The stored form of a judged change (judged_changes.change, migration 0017): compact JSON — `old` only where it
// differs from `new` — and its validating decoder, so a back-test replays exactly what the engine judged. Pure.
import { z } from "zod";
import type { DealChange } from "../policy";
import type { BuiltChange } from "./build-change";

const Values = z.record(z.string(), z.string().nullable());
const Counts = z.object({ contacts: z.number(), companies: z.number(), line_items: z.number() });
const Approval = z.enum(["APPROVED", "PENDING", "REJECTED", "NO_APPROVAL_NEEDED", "NOT_APPLICABLE"]).nullable();

export const JudgedChangeSchema = z.object({
  v: z.literal(1),
  dealId: z.string(),
  kind: z.enum(["created", "updated", "scan"]),
  pipelineId: z.string().nullable(),
  fromPipelineId: z.string().nullable(),
  fromStage: z.string().nullable(),
  toStage: z.string().nullable(),
  changed: z.array(z.string()),
  new: Values,
  /** Only the values that differ from `new`. */
  oldDiff: Values,
  ownerId: z.string().nullable(),
  ownerTeamIds: z.array(z.string()),
  actor: z.object({
    userId: z.string().nullable(),
    ownerId: z.string().nullable(),
    teamIds: z.array(z.string()),
    isDealOwner: z.boolean(),
    isManager: z.boolean(),
    changeSource: z.string(),
    sourceId: z.string().nullable(),
  }),
  associations: Counts,
  approval: Approval.optional(),
  occurredAt: z.number(),
  stageMoved: z.boolean(),
  fromEnteredAt: z.number().nullable(),
});
export type JudgedChange = z.infer<typeof JudgedChangeSchema>;

/** The JSON stored for one judged change. */
export function encodeJudgedChange(b: BuiltChange): string {
  const c = b.change;
  const oldDiff: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(c.old)) if ((c.new[name] ?? null) !== value) oldDiff[name] = value;
  const stored: JudgedChange = {
    v: 1, dealId: c.dealId, kind: c.kind, pipelineId: c.pipelineId, fromPipelineId: c.fromPipelineId, fromStage: c.fromStage, toStage: c.toStage,
    changed: c.changedProperties, new: c.new, oldDiff, ownerId: c.ownerId, ownerTeamIds: c.ownerTeamIds, actor: c.actor,
    associations: c.associations, approval: c.approval ?? null, occurredAt: c.occurredAt, stageMoved: b.stageMoved, fromEnteredAt: b.fromEnteredAt,
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
  const parsed = JudgedChangeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  const s = parsed.data;
  const change: DealChange = {
    dealId: s.dealId, kind: s.kind, pipelineId: s.pipelineId, fromPipelineId: s.fromPipelineId, fromStage: s.fromStage, toStage: s.toStage,
    changedProperties: s.changed, old: { ...s.new, ...s.oldDiff }, new: s.new, ownerId: s.ownerId, ownerTeamIds: s.ownerTeamIds,
    actor: s.actor, associations: s.associations, approval: s.approval ?? null, occurredAt: s.occurredAt,
  };
  return { ok: true, value: { change, stageMoved: s.stageMoved, fromEnteredAt: s.fromEnteredAt, inboxHashes: [] } };
}

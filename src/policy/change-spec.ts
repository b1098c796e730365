// A friendly, hand-writable description of a deal change (policy tests, `policies explain --change`) → DealChange.
// Stages by label or id; `new` only needs what changed (it is merged over `old`); changed properties are derived.
import { z } from "zod";
import { indexPortal, type PipelineInfo } from "./portal-index";
import { suggestName } from "./suggest";
import type { DealChange, PortalSchema, Result } from "./types";

const Value = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const Values = z.record(z.string(), Value);

export const ChangeSpecSchema = z.strictObject({
  kind: z.enum(["created", "updated", "scan"]).optional(),
  dealId: z.union([z.string(), z.number()]).optional(),
  pipeline: z.string().optional(),
  fromPipeline: z.string().optional(),
  from: z.string().nullable().optional(),
  to: z.string().nullable().optional(),
  old: Values.optional(),
  new: Values.optional(),
  changed: z.array(z.string()).optional(),
  owner: z.string().nullable().optional(),
  ownerTeams: z.array(z.string()).optional(),
  actor: z
    .strictObject({
      userId: z.union([z.string(), z.number()]).nullable().optional(),
      ownerId: z.string().nullable().optional(),
      teams: z.array(z.string()).optional(),
      isOwner: z.boolean().optional(),
      isManager: z.boolean().optional(),
      changeSource: z.string().optional(),
      sourceId: z.string().nullable().optional(),
    })
    .optional(),
  associations: z.strictObject({ contacts: z.int().min(0).optional(), companies: z.int().min(0).optional(), line_items: z.int().min(0).optional() }).optional(),
  occurredAt: z.union([z.number(), z.string()]).optional(),
  /** HubSpot's approval status, as the engine would read it (requireApproval rules compiled to a native gate). */
  approval: z.enum(["APPROVED", "PENDING", "REJECTED", "NO_APPROVAL_NEEDED", "NOT_APPLICABLE"]).optional(),
  /** When the deal entered its current stage (epoch ms or ISO): what `deal.daysInStage` counts from. */
  stageEnteredAt: z.union([z.number(), z.string()]).optional(),
});
export type ChangeSpec = z.infer<typeof ChangeSpecSchema>;

const asText = (v: string | number | boolean | null): string | null => (v === null ? null : String(v));

/** Builds a DealChange from a spec, resolving stage/pipeline names against the portal. Never throws. */
export function buildDealChange(input: unknown, portal: PortalSchema): Result<DealChange, string> {
  const parsed = ChangeSpecSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, error: `change: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}` };
  }
  const spec = parsed.data;
  const index = indexPortal(portal);
  const pipelines = [...index.pipelines.values()];
  const findPipeline = (name: string | undefined): PipelineInfo | undefined =>
    name === undefined ? pipelines[0] : pipelines.find((p) => p.id === name || p.label.toLowerCase() === name.toLowerCase());
  const pipeline = findPipeline(spec.pipeline);
  // "Did you mean …?" over labels and ids: a typo in a hand-written change should not send the admin to portal.yaml.
  const didYouMean = (name: string, candidates: string[]): string => {
    const suggestion = suggestName(name, candidates);
    return suggestion === undefined ? "" : ` (did you mean "${suggestion}"?)`;
  };
  const unknownPipeline = (name: string) => `change: unknown pipeline "${name}"${didYouMean(name, pipelines.flatMap((p) => [p.label, p.id]))}`;
  if (pipeline === undefined) return { ok: false, error: unknownPipeline(spec.pipeline ?? "") };
  const fromPipeline = findPipeline(spec.fromPipeline ?? pipeline.id);
  if (fromPipeline === undefined) return { ok: false, error: unknownPipeline(spec.fromPipeline ?? "") };
  const stageId = (p: PipelineInfo, name: string | null | undefined): Result<string | null, string> => {
    if (name === undefined || name === null) return { ok: true, value: null };
    const hit = p.ordered.find((s) => s.id === name || s.label.toLowerCase() === name.toLowerCase());
    if (hit !== undefined) return { ok: true, value: hit.id };
    return { ok: false, error: `change: unknown stage "${name}" in pipeline ${p.label}${didYouMean(name, p.ordered.flatMap((s) => [s.label, s.id]))}` };
  };
  const kind = spec.kind ?? (spec.from === undefined && spec.to !== undefined && spec.old === undefined ? "created" : "updated");
  // A stage given as a property (`old.dealstage` / `new.dealstage`) means the same as `from` / `to`.
  const stageText = (v: string | number | boolean | null | undefined): string | undefined => (typeof v === "string" ? v : undefined);
  const to = stageId(pipeline, spec.to !== undefined ? spec.to : stageText(spec.new?.dealstage));
  const from = stageId(fromPipeline, spec.from !== undefined ? spec.from : stageText(spec.old?.dealstage));
  if (!to.ok) return to;
  if (!from.ok) return from;
  const old: Record<string, string | null> = {};
  if (kind !== "created") for (const [k, v] of Object.entries(spec.old ?? {})) old[k] = asText(v);
  // No `from`: the stage did not move in this change (it was already `to`).
  const stageBefore = from.value ?? to.value;
  if (kind !== "created" && stageBefore !== null) old.dealstage = stageBefore;
  if (kind !== "created" && old.pipeline === undefined) old.pipeline = fromPipeline.id;
  const next: Record<string, string | null> = { ...old };
  for (const [k, v] of Object.entries(spec.new ?? {})) next[k] = asText(v);
  const currentStage = to.value ?? from.value ?? old.dealstage ?? null;
  if (currentStage !== null) next.dealstage = currentStage;
  next.pipeline = pipeline.id;
  const changed = spec.changed ?? [...new Set([...Object.keys(old), ...Object.keys(next)])].filter((k) => (old[k] ?? null) !== (next[k] ?? null));
  const actor = spec.actor ?? {};
  const ownerId = spec.owner !== undefined ? spec.owner : (next.hubspot_owner_id ?? null);
  const userId = actor.userId === undefined || actor.userId === null ? null : String(actor.userId).replace(/^userId:/, "");
  const occurredAt = typeof spec.occurredAt === "string" ? Date.parse(spec.occurredAt) : (spec.occurredAt ?? 0);
  return {
    ok: true,
    value: {
      dealId: spec.dealId === undefined ? "1" : String(spec.dealId),
      kind,
      pipelineId: pipeline.id,
      fromPipelineId: kind === "created" ? null : fromPipeline.id,
      fromStage: kind === "scan" ? null : from.value,
      toStage: currentStage,
      changedProperties: kind === "scan" ? [] : changed,
      old,
      new: next,
      ownerId,
      ownerTeamIds: spec.ownerTeams ?? [],
      actor: {
        userId,
        ownerId: actor.ownerId ?? null,
        teamIds: actor.teams ?? [],
        isDealOwner: actor.isOwner ?? (ownerId !== null && actor.ownerId === ownerId),
        isManager: actor.isManager ?? false,
        changeSource: actor.changeSource ?? "CRM_UI",
        sourceId: actor.sourceId ?? (userId === null ? null : `userId:${userId}`),
      },
      associations: { contacts: spec.associations?.contacts ?? 0, companies: spec.associations?.companies ?? 0, line_items: spec.associations?.line_items ?? 0 },
      occurredAt: Number.isFinite(occurredAt) ? occurredAt : 0,
      ...(spec.approval === undefined ? {} : { approval: spec.approval }),
      ...(spec.stageEnteredAt === undefined ? {} : { stageEnteredAt: typeof spec.stageEnteredAt === "string" ? Date.parse(spec.stageEnteredAt) : spec.stageEnteredAt }),
    },
  };
}

// Write validation as HubSpot does it: unknown properties, read-only values, enumeration options, stages that
// don't belong to the pipeline, unknown owners, and the portal's conditional required properties.
import { normaliseValue } from "./properties";
import type { CrmObject, Owner, Pipeline, PropertyDef, RequiredRule, Result, WriteProblem } from "./types";

export interface WriteContext {
  defs: Map<string, PropertyDef>;
  pipelines: Pipeline[];
  owners: Owner[];
  requiredRules: RequiredRule[];
  isDeal: boolean;
  checkRequired: boolean;
}

/** Validates and normalises a property write. Returns the normalised values, or every problem found. */
export function validateWrite(
  ctx: WriteContext,
  input: Record<string, string | null>,
  existing: CrmObject | undefined,
): Result<Record<string, string>, WriteProblem[]> {
  const problems: WriteProblem[] = [];
  const out: Record<string, string> = {};
  for (const [name, rawValue] of Object.entries(input)) {
    const def = ctx.defs.get(name);
    if (!def) {
      problems.push({ code: "PROPERTY_DOESNT_EXIST", name, message: `Property "${name}" does not exist` });
      continue;
    }
    if (def.readOnly) {
      problems.push({ code: "READ_ONLY_VALUE", name, message: `"${name}" is a read only property; its value cannot be set.` });
      continue;
    }
    const raw = rawValue ?? "";
    if (name === "hubspot_owner_id") {
      if (raw !== "" && !ctx.owners.some((o) => o.id === raw)) {
        problems.push({ code: "INVALID_OPTION", name, message: `${raw} is not a valid owner id` });
      } else out[name] = raw;
      continue;
    }
    if (ctx.isDeal && (name === "dealstage" || name === "pipeline")) {
      out[name] = raw;
      continue;
    }
    const value = normaliseValue(def, raw);
    if (value === null) {
      const allowed = def.options ? ` was not one of the allowed options: [${def.options.join(", ")}]` : ` is not a valid ${def.type}`;
      problems.push({ code: def.options ? "INVALID_OPTION" : "INVALID_VALUE", name, message: `${raw}${allowed}` });
      continue;
    }
    out[name] = value;
  }
  if (ctx.isDeal) problems.push(...checkPipelineAndStage(ctx, out, existing));
  if (problems.length === 0 && ctx.isDeal && ctx.checkRequired) problems.push(...checkRequired(ctx, out, existing));
  return problems.length > 0 ? { ok: false, error: problems } : { ok: true, value: out };
}

function checkPipelineAndStage(ctx: WriteContext, out: Record<string, string>, existing: CrmObject | undefined): WriteProblem[] {
  const pipelineId = out.pipeline ?? existing?.properties.pipeline ?? "default";
  const pipeline = ctx.pipelines.find((p) => p.id === pipelineId);
  if (!pipeline) {
    return [{ code: "INVALID_OPTION", name: "pipeline", message: `${pipelineId} was not one of the allowed options: [${ctx.pipelines.map((p) => p.id).join(", ")}]` }];
  }
  if (!existing && out.dealstage === undefined) {
    return [{ code: "REQUIRED_PROPERTY", name: "dealstage", message: "Property \"dealstage\" is required" }];
  }
  if (!existing) out.pipeline = pipelineId;
  const stageId = out.dealstage ?? existing?.properties.dealstage ?? "";
  if (!pipeline.stages.some((s) => s.id === stageId)) {
    const allowed = pipeline.stages.map((s) => s.id).join(", ");
    return [{ code: "INVALID_OPTION", name: "dealstage", message: `${stageId} was not one of the allowed options: [${allowed}] for pipeline ${pipeline.id}` }];
  }
  return [];
}

function checkRequired(ctx: WriteContext, out: Record<string, string>, existing: CrmObject | undefined): WriteProblem[] {
  const newStage = out.dealstage;
  if (newStage === undefined || newStage === existing?.properties.dealstage) return [];
  const pipelineId = out.pipeline ?? existing?.properties.pipeline ?? "default";
  const problems: WriteProblem[] = [];
  for (const rule of ctx.requiredRules) {
    if (rule.stageId !== newStage || (rule.pipelineId !== undefined && rule.pipelineId !== pipelineId)) continue;
    for (const name of rule.properties) {
      const value = out[name] ?? existing?.properties[name] ?? "";
      if (value === "") {
        problems.push({ code: "REQUIRED_PROPERTY", name, message: `Property "${name}" is required when moving to stage ${newStage}` });
      }
    }
  }
  return problems;
}

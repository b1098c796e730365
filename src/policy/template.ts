// Message templates: "{{new.dealname}} jumped from {{change.from.label}} to {{change.to.label}}", "Fill {{missing}}".
// References are checked at compile time (unknown ones are errors); rendering is total and never throws.
import type { PathSegment } from "./load";
import type { CompileContext, TemplatePart, TemplatePlan } from "./plan";
import type { PortalIndex, StageInfo } from "./portal-index";
import { normalizeChangeSource } from "./source";
import { suggestName } from "./suggest";
import type { DealChange, Mode, Severity } from "./types";
import { renderValue } from "./values";
import { describeMissing } from "./describe-missing";
import { daysInStage } from "./days-in-stage";

const STAGE_REFS = ["label", "id", "index"];
const FIXED_REFS = [
  "missing", "failures", "change.kind", "change.properties",
  ...STAGE_REFS.flatMap((f) => [`change.from.${f}`, `change.to.${f}`]),
  "actor.userId", "actor.ownerId", "actor.changeSource", "actor.source", "actor.sourceId",
  "deal.id", "deal.ownerId", "deal.pipeline", "deal.daysInStage", "policy.id", "rule.id", "severity", "mode", "now",
];

/** Splits and checks a template; unknown references are reported at their position in the scalar. */
export function compileTemplate(source: string, index: PortalIndex, ctx: CompileContext, path: readonly PathSegment[]): TemplatePlan {
  const parts: TemplatePart[] = [];
  const pattern = /\{\{\s*([^{}]*?)\s*\}\}/g;
  let last = 0;
  for (let match = pattern.exec(source); match !== null; match = pattern.exec(source)) {
    if (match.index > last) parts.push(source.slice(last, match.index));
    last = match.index + match[0].length;
    const ref = match[1] ?? "";
    const problem = checkRef(ref, index);
    if (problem === null) parts.push({ ref });
    else {
      ctx.report("template", path, problem.message, { offset: match.index, ...(problem.suggestion ? { suggestion: problem.suggestion } : {}) });
      parts.push(match[0]);
    }
  }
  if (last < source.length) parts.push(source.slice(last));
  return { source, parts };
}

function checkRef(ref: string, index: PortalIndex): { message: string; suggestion?: string } | null {
  const property = /^(new|old)\.(.+)$/.exec(ref);
  if (property !== null) {
    const name = property[2] ?? "";
    if (index.properties.has(name)) return null;
    const suggestion = suggestName(name, index.properties.keys());
    return { message: `unknown property "${name}" in template`, ...(suggestion ? { suggestion: `${property[1]}.${suggestion}` } : {}) };
  }
  if (FIXED_REFS.includes(ref)) return null;
  const suggestion = suggestName(ref, [...FIXED_REFS, "new.dealname"]);
  return { message: `unknown template reference "{{${ref}}}"`, ...(suggestion ? { suggestion } : {}) };
}

export interface RenderInput {
  change: DealChange;
  from: StageInfo | null;
  to: StageInfo | null;
  missing: readonly string[];
  failures: readonly string[];
  policyId: string;
  ruleId: string;
  severity: Severity;
  mode: Mode;
  now: number;
  index: PortalIndex;
}

/** Renders a compiled template. Missing values render as "(empty)"; never throws. */
export function renderTemplate(template: TemplatePlan, input: RenderInput): string {
  let out = "";
  for (const part of template.parts) out += typeof part === "string" ? part : resolveRef(part.ref, input);
  return out;
}

function resolveRef(ref: string, input: RenderInput): string {
  const { change } = input;
  if (ref.startsWith("new.") || ref.startsWith("old.")) {
    const name = ref.slice(4);
    const values = ref.startsWith("new.") ? change.new : change.old;
    return renderValue(input.index.properties.get(name)?.type, readRaw(values, name));
  }
  if (ref.startsWith("change.from.") || ref.startsWith("change.to.")) {
    const stage = ref.startsWith("change.from.") ? input.from : input.to;
    const raw = ref.startsWith("change.from.") ? change.fromStage : change.toStage;
    const field = ref.slice(ref.lastIndexOf(".") + 1);
    if (stage === null) return field === "index" ? "-" : (raw ?? "(none)");
    return field === "label" ? stage.label : field === "id" ? stage.id : String(stage.index);
  }
  switch (ref) {
    case "missing":
      return input.missing.length > 0 ? describeMissing(input.missing, (name) => input.index.properties.get(name)?.label) : "(nothing)";
    case "failures":
      return input.failures.join("; ");
    case "change.kind":
      return String(change.kind);
    case "change.properties":
      return Array.isArray(change.changedProperties) ? change.changedProperties.join(", ") : "";
    case "actor.userId":
      return change.actor?.userId ?? "(none)";
    case "actor.ownerId":
      return change.actor?.ownerId ?? "(none)";
    case "actor.changeSource":
      return change.actor?.changeSource ?? "(unknown)";
    case "actor.source":
      return normalizeChangeSource(change.actor?.changeSource);
    case "actor.sourceId":
      return change.actor?.sourceId ?? "(none)";
    case "deal.id":
      return String(change.dealId);
    case "deal.ownerId":
      return change.ownerId ?? "(unowned)";
    case "deal.pipeline":
      return change.pipelineId ?? "(none)";
    case "deal.daysInStage": {
      // Whole days, as people count them ("25 days"); the CEL value keeps the fraction.
      const days = daysInStage(change, input.now);
      return days === null ? "(unknown)" : String(Math.floor(days));
    }
    case "policy.id":
      return input.policyId;
    case "rule.id":
      return input.ruleId;
    case "severity":
      return input.severity;
    case "mode":
      return input.mode;
    case "now":
      return Number.isFinite(input.now) ? new Date(input.now).toISOString() : String(input.now);
    default:
      return `{{${ref}}}`;
  }
}

/** Reads a raw value from an untrusted record without throwing on odd shapes. */
export function readRaw(values: unknown, name: string): string | null {
  if (typeof values !== "object" || values === null) return null;
  const value: unknown = Object.prototype.hasOwnProperty.call(values, name) ? (values as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : null;
}

// Names → portal ids: pipelines and stages (by id or label), properties, change sources, user ids, expiry dates.
// An unknown name is a positioned error with a suggestion — never a silent no-op at run time.
import type { PathSegment } from "./load";
import type { ActorMatcher, CompileContext, ExceptionPlan, RequirementPlan, StageSet } from "./plan";
import type { PipelineInfo, PortalIndex } from "./portal-index";
import type { ActorMatchDoc, ExceptionDoc, RequireDoc } from "./schema";
import { CHANGE_SOURCE_KINDS, normalizeChangeSource } from "./source";
import { suggestName } from "./suggest";
import type { ChangeSourceKind, PortalProperty } from "./types";
import { FALLBACK_TIME_ZONE, nextZonedMidnight, zonedInstant, zonedParts } from "./zoned-time";

type Path = readonly PathSegment[];

/** Resolves pipeline ids/labels; null when no names are given (all pipelines). */
export function resolvePipelines(names: readonly string[] | undefined, index: PortalIndex, ctx: CompileContext, path: Path): Set<string> | null {
  if (names === undefined) return null;
  const out = new Set<string>();
  names.forEach((name, i) => {
    const hit = [...index.pipelines.values()].find((p) => p.id === name || p.label === name) ??
      [...index.pipelines.values()].find((p) => p.label.toLowerCase() === name.toLowerCase());
    if (hit !== undefined) out.add(hit.id);
    else {
      const known = [...index.pipelines.values()].flatMap((p) => [p.id, p.label]);
      ctx.report("unknown-pipeline", [...path, i], `unknown pipeline "${name}"`, { suggestion: suggestName(name, known) });
    }
  });
  return out;
}

/** Resolves stage ids/labels within the given pipelines (null = all) to a set of stage ids. */
export function resolveStages(names: readonly string[], pipelines: ReadonlySet<string> | null, index: PortalIndex, ctx: CompileContext, path: Path, single = false): Set<string> {
  const candidates = [...index.pipelines.values()].filter((p) => pipelines === null || pipelines.has(p.id));
  const out = new Set<string>();
  names.forEach((name, i) => {
    const found = findStagesNamed(name, candidates);
    if (found.length > 0) for (const id of found) out.add(id);
    else {
      const known = candidates.flatMap((p) => p.ordered.flatMap((s) => [s.label, s.id]));
      ctx.report("unknown-stage", single ? path : [...path, i], `unknown stage "${name}"${pipelines === null ? "" : " in the policy's pipelines"}`, {
        suggestion: suggestName(name, known),
      });
    }
  });
  return out;
}

function findStagesNamed(name: string, pipelines: readonly PipelineInfo[]): string[] {
  const exact = pipelines.flatMap((p) => p.ordered.filter((s) => s.id === name || s.label === name).map((s) => s.id));
  if (exact.length > 0) return exact;
  const lower = name.toLowerCase();
  return pipelines.flatMap((p) => p.ordered.filter((s) => s.label.toLowerCase() === lower).map((s) => s.id));
}

export function resolveStageTrigger(value: true | string | string[] | undefined, pipelines: ReadonlySet<string> | null, index: PortalIndex, ctx: CompileContext, path: Path): StageSet {
  if (value === undefined) return null;
  if (value === true) return "any";
  if (typeof value === "string") return resolveStages([value], pipelines, index, ctx, path, true);
  return resolveStages(value, pipelines, index, ctx, path);
}

export function resolveProperty(name: string, index: PortalIndex, ctx: CompileContext, path: Path): PortalProperty | null {
  const hit = index.properties.get(name);
  if (hit !== undefined) return hit;
  ctx.report("unknown-property", path, `unknown property "${name}"`, { suggestion: suggestName(name, index.properties.keys()) });
  return null;
}

/** `require:` in any of its forms → one requirement per property. */
export function resolveRequirements(doc: RequireDoc | undefined, index: PortalIndex, ctx: CompileContext, path: Path): RequirementPlan[] {
  if (doc === undefined) return [];
  const entries: Array<{ name: string; equals: string | number | boolean | null; at: Path }> = [];
  if (Array.isArray(doc)) {
    doc.forEach((item, i) => {
      if (typeof item === "string") entries.push({ name: item, equals: null, at: [...path, i] });
      else for (const [name, equals] of Object.entries(item)) entries.push({ name, equals, at: [...path, i, name] });
    });
  } else {
    for (const [name, equals] of Object.entries(doc)) entries.push({ name, equals, at: [...path, name] });
  }
  const out: RequirementPlan[] = [];
  for (const entry of entries) {
    const property = resolveProperty(entry.name, index, ctx, entry.at);
    if (property !== null) out.push({ property: property.name, label: property.label ?? property.name, type: property.type, equals: entry.equals });
  }
  return out;
}

/** "userId:9911" and "9911" both name user 9911. */
export function normalizeUserId(value: string): string {
  return value.startsWith("userId:") ? value.slice("userId:".length) : value;
}

export function resolveActorMatcher(doc: ActorMatchDoc, ctx: CompileContext, path: Path): ActorMatcher {
  let sources: Set<ChangeSourceKind> | null = null;
  if (doc.sources !== undefined) {
    sources = new Set();
    doc.sources.forEach((name, i) => {
      const kind = resolveSource(name);
      if (kind !== null) sources?.add(kind);
      else {
        ctx.report("schema", [...path, "sources", i], `unknown change source "${name}"`, {
          suggestion: suggestName(name, [...CHANGE_SOURCE_KINDS, "CRM_UI", "CRM_UI_BULK_ACTION", "IMPORT", "WORKFLOW", "AUTOMATION", "INTEGRATION", "API", "HUBSPOT_INTERNAL"]),
        });
      }
    });
  }
  const parts: string[] = [];
  if (doc.users) parts.push(`users ${doc.users.join(",")}`);
  if (doc.teams) parts.push(`teams ${doc.teams.join(",")}`);
  if (doc.sources) parts.push(`sources ${doc.sources.join(",")}`);
  if (doc.managers !== undefined) parts.push(doc.managers ? "managers" : "non-managers");
  if (doc.owner !== undefined) parts.push(doc.owner ? "the deal owner" : "not the deal owner");
  return {
    users: doc.users ? new Set(doc.users.map(normalizeUserId)) : null,
    teams: doc.teams ? new Set(doc.teams) : null,
    sources,
    managers: doc.managers ?? null,
    owner: doc.owner ?? null,
    text: parts.length > 0 ? parts.join(" and ") : "anyone",
  };
}

function resolveSource(name: string): ChangeSourceKind | null {
  const lower = name.toLowerCase();
  const kind = CHANGE_SOURCE_KINDS.find((k) => k === lower);
  if (kind !== undefined) return kind;
  const normalized = normalizeChangeSource(name);
  return normalized === "other" ? null : normalized;
}

/** An exception; a bare expiry date runs through the end of that day in `timeZone` (the portal's; default UTC). */
export function resolveException(doc: ExceptionDoc, ctx: CompileContext, path: Path, timeZone: string = FALLBACK_TIME_ZONE): ExceptionPlan | null {
  const expiresAt = parseExpiry(doc.expires, timeZone);
  if (expiresAt === null) {
    ctx.report("invalid-date", [...path, "expires"], `invalid expiry date "${String(doc.expires)}" (use YYYY-MM-DD or an ISO timestamp)`);
    return null;
  }
  return {
    users: doc.users ? new Set(doc.users.map(normalizeUserId)) : null,
    teams: doc.teams ? new Set(doc.teams) : null,
    deals: doc.deals ? new Set(doc.deals) : null,
    reason: doc.reason,
    expiresAt,
    expires: doc.expires instanceof Date ? doc.expires.toISOString() : doc.expires,
  };
}

/** A bare date is valid through the end of that day in the portal's zone; a timestamp expires at that instant. */
function parseExpiry(value: string | Date, timeZone: string): number | null {
  if (value instanceof Date) return Number.isFinite(value.getTime()) ? value.getTime() : null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const ms = Date.parse(`${value}T00:00:00Z`);
    // Noon of that date in the zone is safely inside it; the exception ends at the zone's next midnight.
    return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(value) ? nextZonedMidnight(zonedInstant({ ...zonedParts(ms, "UTC"), hour: 12 }, timeZone), timeZone) : null;
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

// CRM search semantics: OR of filter groups, AND within a group; typed comparisons; sorts; limit/after paging.
import { z } from "zod";
import { parseDateValue } from "../portal/properties";
import type { CrmObject, PropertyDef } from "../portal/types";

const FilterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"]),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
  highValue: z.union([z.string(), z.number()]).optional(),
  values: z.array(z.union([z.string(), z.number()])).optional(),
});
export type Filter = z.infer<typeof FilterSchema>;

const SortSchema = z.union([z.string(), z.object({ propertyName: z.string(), direction: z.enum(["ASCENDING", "DESCENDING"]).default("ASCENDING") })]);

/** HubSpot's search limits: 5 groups, 6 filters per group, 18 filters in all; results page at most to 10,000. */
export const SEARCH_RESULT_CAP = 10_000;

export const SearchSchema = z.object({
  filterGroups: z
    .array(z.object({ filters: z.array(FilterSchema).max(6) }))
    .max(5)
    .default([])
    .refine((groups) => groups.reduce((n, g) => n + g.filters.length, 0) <= 18, "at most 18 filters in all"),
  sorts: z.array(SortSchema).max(1).default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().min(0).max(200).default(10),
  after: z.union([z.string(), z.number()]).optional(),
  query: z.string().optional(),
});
export type SearchRequest = z.infer<typeof SearchSchema>;

/** Names in filters/sorts that the object type doesn't have. */
export function unknownSearchProperties(req: SearchRequest, defs: Map<string, PropertyDef>): string[] {
  const names = [...req.filterGroups.flatMap((g) => g.filters.map((f) => f.propertyName)), ...req.sorts.map((s) => (typeof s === "string" ? s.replace(/^-/, "") : s.propertyName))];
  return names.filter((n) => !defs.has(n));
}

/** Runs a search over `objects`. Returns the page and the total. */
export function runSearch(objects: CrmObject[], req: SearchRequest, defs: Map<string, PropertyDef>): { total: number; page: CrmObject[]; nextAfter: string | null } {
  const matched = objects.filter((o) => req.filterGroups.length === 0 || req.filterGroups.some((g) => g.filters.every((f) => matchFilter(o, f, defs.get(f.propertyName)))));
  const sort = req.sorts[0];
  const sortName = sort === undefined ? "hs_object_id" : typeof sort === "string" ? sort.replace(/^-/, "") : sort.propertyName;
  const descending = sort !== undefined && (typeof sort === "string" ? sort.startsWith("-") : sort.direction === "DESCENDING");
  const def = defs.get(sortName);
  matched.sort((a, b) => {
    const cmp = compareValues(a.properties[sortName] ?? "", b.properties[sortName] ?? "", def) || compareValues(a.id, b.id, { name: "id", label: "", type: "number" });
    return descending ? -cmp : cmp;
  });
  const start = req.after === undefined ? 0 : Number(req.after) || 0;
  const page = matched.slice(start, start + req.limit);
  const nextAfter = start + req.limit < matched.length ? String(start + req.limit) : null;
  return { total: matched.length, page, nextAfter };
}

function matchFilter(obj: CrmObject, f: Filter, def: PropertyDef | undefined): boolean {
  const actual = obj.properties[f.propertyName];
  const has = actual !== undefined && actual !== "";
  switch (f.operator) {
    case "HAS_PROPERTY": return has;
    case "NOT_HAS_PROPERTY": return !has;
    case "IN": return has && (f.values ?? []).some((v) => compareValues(actual, String(v), def) === 0);
    case "NOT_IN": return !has || !(f.values ?? []).some((v) => compareValues(actual, String(v), def) === 0);
    default: break;
  }
  const value = f.value === undefined ? "" : String(f.value);
  if (f.operator === "NEQ") return !has || compareValues(actual, value, def) !== 0;
  if (!has) return false;
  const cmp = compareValues(actual, value, def);
  switch (f.operator) {
    case "EQ": return cmp === 0;
    case "LT": return cmp < 0;
    case "LTE": return cmp <= 0;
    case "GT": return cmp > 0;
    case "GTE": return cmp >= 0;
    case "BETWEEN": return cmp >= 0 && compareValues(actual, String(f.highValue ?? ""), def) <= 0;
    case "CONTAINS_TOKEN": return actual.toLowerCase().includes(value.toLowerCase().replace(/\*/g, ""));
    case "NOT_CONTAINS_TOKEN": return !actual.toLowerCase().includes(value.toLowerCase().replace(/\*/g, ""));
  }
}

/** Compares stored strings as their type: datetimes accept epoch ms or ISO on either side. */
function compareValues(a: string, b: string, def: PropertyDef | undefined): number {
  const type = def?.type ?? "string";
  if (type === "datetime" || type === "date") {
    const x = parseDateValue(a);
    const y = parseDateValue(b);
    if (x !== null && y !== null) return x - y;
  }
  if (type === "number") {
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  if (type === "enumeration" || type === "bool") return a === b ? 0 : a < b ? -1 : 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

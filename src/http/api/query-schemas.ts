// zod schemas for the API's query strings (shared by the dashboard's filter forms, which use the same names).
// Empty values count as absent so a plain HTML form can submit every field.
import { z } from "zod";
import { AppError } from "../../errors";

const DAY_MS = 24 * 60 * 60 * 1000;
const id = z.string().min(1).max(200);

/**
 * Every report is bounded (issue 16): a window of at most two years, pages of at most 500 rows, trends of at most
 * 24 months or 104 weeks. Past a limit the answer is 400 naming it, never a slow or huge response.
 */
export const LIMITS = { windowDays: 731, pageSize: 500, trendMonths: 24, trendWeeks: 104 } as const;

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max} (the maximum ${name})`));

/** A date (YYYY-MM-DD), an ISO datetime, or epoch ms. `endOfDay` makes a bare date cover that whole day. */
function timeParam(endOfDay: boolean) {
  return z.string().transform((s, ctx) => {
    if (/^\d{1,15}$/.test(s)) return Number(s);
    if (/^\d{4}-\d{2}-\d{2}$/.test(s)) {
      const ms = Date.parse(`${s}T00:00:00Z`);
      if (!Number.isNaN(ms)) return endOfDay ? ms + DAY_MS : ms;
    } else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(s)) {
      const ms = Date.parse(s);
      if (!Number.isNaN(ms)) return ms;
    }
    ctx.addIssue({ code: "custom", message: "must be YYYY-MM-DD, an ISO-8601 datetime with zone, or epoch ms" });
    return z.NEVER;
  });
}

export const CursorSchema = z.object({ t: z.number().int(), i: z.string().min(1).max(200), s: z.enum(["asc", "desc"]) });
export type CursorToken = z.infer<typeof CursorSchema>;

const cursorParam = z.string().max(600).transform((s, ctx) => {
  try {
    const json = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
    const parsed = CursorSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: any decoding failure is the same client error
  }
  ctx.addIssue({ code: "custom", message: "is not a cursor this API returned" });
  return z.NEVER;
});

export function encodeCursor(c: CursorToken): string {
  return btoa(JSON.stringify(c)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const windowFields = { from: timeParam(false).optional(), to: timeParam(true).optional() };

export const ViolationsQuerySchema = z
  .object({
    status: z.enum(["open", "resolved"]).optional(),
    owner: id.optional(),
    team: id.optional(),
    policy: id.optional(),
    rule: id.optional(),
    severity: z.enum(["info", "warning", "critical"]).optional(),
    mode: z.enum(["audit", "warn", "enforce"]).optional(),
    pipeline: id.optional(),
    stage: id.optional(),
    deal: id.optional(),
    ...windowFields,
    sort: z.enum(["-occurred_at", "occurred_at"]).default("-occurred_at"),
    limit: wholeNumber("page size", 1, LIMITS.pageSize).default(50),
    cursor: cursorParam.optional(),
    format: z.enum(["json", "csv"]).default("json"),
  })
  .strict();
export type ViolationsQuery = z.infer<typeof ViolationsQuerySchema>;

export const SummaryQuerySchema = z.object({ team: id.optional(), owner: id.optional(), policy: id.optional(), rule: id.optional(), ...windowFields }).strict();
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

export const WindowQuerySchema = z.object({ ...windowFields }).strict();
export type WindowQuery = z.infer<typeof WindowQuerySchema>;

export const ReviewQuerySchema = z.object({ team: id, week: timeParam(false).optional() }).strict();
export type ReviewQuery = z.infer<typeof ReviewQuerySchema>;

export const TrendQuerySchema = z.object({ months: wholeNumber("trend length in months", 1, LIMITS.trendMonths).default(6) }).strict();
export const AdoptionQuerySchema = z.object({ team: id.optional(), weeks: wholeNumber("trend length in weeks", 2, LIMITS.trendWeeks).default(12) }).strict();

export const PathIdSchema = id.regex(/^[\w.:@-]+$/, "may contain only letters, digits and . : @ _ -");

/**
 * Parses a query string with `schema`; throws AppError INVALID_QUERY naming every bad field.
 * Repeated parameters are an error (the API takes one value per filter).
 */
export function parseQuery<S extends z.ZodType>(schema: S, url: string): z.infer<S> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  const problems: Array<{ field: string; message: string }> = [];
  for (const [key, value] of params) {
    if (key in raw) problems.push({ field: key, message: "given more than once" });
    if (value !== "") raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") for (const k of issue.keys) problems.push({ field: k, message: "is not a known parameter" });
      else problems.push({ field: issue.path.join(".") || "query", message: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new AppError("INVALID_QUERY", `invalid query parameters: ${[...new Set(problems.map((p) => p.field))].join(", ")}`, problems);
  }
  const data: z.infer<S> = parsed.data;
  return data;
}

/** The default reporting window: the 12 weeks (84 whole UTC days) ending with today; 400 past LIMITS.windowDays. */
export function resolveWindow(q: { from?: number; to?: number }, now: number): { from: number; to: number } {
  const to = q.to ?? Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  const from = q.from ?? to - 84 * DAY_MS;
  if (from >= to) throw new AppError("INVALID_QUERY", "invalid query parameters: from, to", [{ field: "from", message: "must be before to" }]);
  if (to - from > LIMITS.windowDays * DAY_MS) {
    throw new AppError("INVALID_QUERY", `the window is longer than the maximum of ${LIMITS.windowDays} days (2 years)`, [
      { field: q.from === undefined ? "to" : "from", message: `from and to may be at most ${LIMITS.windowDays} days apart` },
    ]);
  }
  return { from, to };
}

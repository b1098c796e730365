// Admin page: back-test a draft before it bites. Pick a staged set (bundled at deploy time from policies/staged/) or
// upload a policy file (it must pass check; it replaces the active file of the same name or adds a policy), a window
// and a source; see what it would have done per rule, per week and on which deals, against the active set.
import type { Context } from "hono";
import { z } from "zod";
import { AppError } from "../../errors";
import { listStagedSets, runDashboardBacktest, type DraftChoice } from "../api/backtest-run";
import { parseQuery, resolveWindow, WindowQuerySchema } from "../api/query-schemas";
import { assertRole, type AuthEnv } from "../auth";
import { AffectedDeals, RuleTable, WeeklyHits } from "./backtest-sections";
import { BacktestForm, BacktestSummary, FailureCard } from "./backtest-form";
import { Layout } from "./layout";

const DAY = 86_400_000;
/** The longest window one page run replays (the Worker's time per request is bounded). */
const MAX_WINDOW_DAYS = 92;

const BacktestQuerySchema = WindowQuerySchema.extend({
  set: z.string().min(1).max(100).optional(),
  version: z.string().regex(/^[0-9a-f]{16}$/, "a policy set version id").optional(),
  source: z.enum(["engine"]).default("engine"),
});
type BacktestQuery = z.infer<typeof BacktestQuerySchema>;

const UPLOAD_MAX_CHARS = 200_000;
const UploadSchema = z.object({
  name: z.string().trim().regex(/^[A-Za-z0-9._-]{1,80}\.(ya?ml|json)$/, "a file name ending in .yaml, .yml or .json").default("draft.yaml"),
  policy: z.string().min(1, "paste or choose a policy file").max(UPLOAD_MAX_CHARS, `at most ${UPLOAD_MAX_CHARS} characters`),
});

/** The window asked for (default: the 12 weeks ending today), at most MAX_WINDOW_DAYS. */
function windowOf(q: BacktestQuery, now: number): { from: number; to: number } {
  const w = resolveWindow(q, now);
  if (w.to - w.from > MAX_WINDOW_DAYS * DAY) throw new AppError("INVALID_QUERY", `the window is at most ${MAX_WINDOW_DAYS} days`, [{ field: "from", message: "choose a later start" }]);
  return w;
}

async function render(c: Context<AuthEnv>, q: BacktestQuery, choice: DraftChoice | null, upload: { name: string; text: string } | null): Promise<Response> {
  const principal = c.get("principal");
  const window = windowOf(q, Date.now());
  const sets = listStagedSets();
  const run = choice === null ? null : await runDashboardBacktest(c.env.DB, choice, window);
  const draftName = choice === null ? "" : choice.kind === "staged" ? `staged set “${choice.name}”` : choice.kind === "version" ? "recorded version" : `uploaded ${upload?.name ?? "file"}`;
  return c.html(
    <Layout title="Back-test" principal={principal} active="policies">
      <p class="sub"><a href="/dashboard/policies">← Policies</a></p>
      <h1>Back-test a draft</h1>
      <p class="sub">What a draft set would have done on the engine's recorded history — every change as of its time, judged by the engine's own evaluation — and how that differs from the set running today. Nothing is written anywhere.</p>
      <BacktestForm sets={sets} q={q} window={window} upload={upload} />
      {run === null ? null : !run.ok ? <FailureCard failure={run.error} /> : (
        <>
          <BacktestSummary b={run.value} draftName={draftName} againstName={choice?.kind === "version" ? "the version before it" : "the active set"} />
          <RuleTable b={run.value} />
          <WeeklyHits b={run.value} />
          <AffectedDeals b={run.value} portalUiUrl={c.env.HUBSPOT_PORTAL_UI_URL} />
        </>
      )}
    </Layout>,
    run !== null && !run.ok && run.error.kind !== "history" ? 422 : 200,
  );
}

/** GET: the form; with `set`, the back-test of that staged set. */
export async function backtestPage(c: Context<AuthEnv>): Promise<Response> {
  assertRole(c.get("principal"), "admin");
  const q = parseQuery(BacktestQuerySchema, c.req.url);
  const choice: DraftChoice | null = q.version ? { kind: "version", id: q.version } : q.set ? { kind: "staged", name: q.set } : null;
  return render(c, q, choice, null);
}

/** POST: the back-test of an uploaded policy file (form field `policy`, the file's text; `name`, its file name). */
export async function backtestUpload(c: Context<AuthEnv>): Promise<Response> {
  assertRole(c.get("principal"), "admin");
  const form = await c.req.parseBody().catch(() => {
    throw new AppError("BAD_REQUEST", "the back-test form could not be read");
  });
  const file = form.file;
  const text = file instanceof File && file.size > 0 ? await file.text() : typeof form.policy === "string" ? form.policy : "";
  const name = file instanceof File && file.size > 0 ? file.name : typeof form.name === "string" && form.name !== "" ? form.name : undefined;
  const parsed = UploadSchema.safeParse({ name, policy: text });
  if (!parsed.success) {
    throw new AppError("INVALID_QUERY", "the uploaded policy can't be back-tested", parsed.error.issues.map((i) => ({ field: String(i.path[0] ?? "policy"), message: i.message })));
  }
  const params = new URLSearchParams();
  for (const field of ["from", "to"] as const) if (typeof form[field] === "string") params.set(field, form[field]);
  const q = parseQuery(BacktestQuerySchema, `https://form.invalid/?${params.toString()}`);
  const files = [{ path: `upload/${parsed.data.name}`, text: parsed.data.policy }];
  return render(c, q, { kind: "upload", files }, { name: parsed.data.name, text: parsed.data.policy });
}

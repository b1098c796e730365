// GET /healthz: no auth; says whether configuration and D1 (with migrations applied) are usable.
// It names missing variables but never prints a secret's value.
import { Hono } from "hono";
import { readConfig, type AppEnv } from "../env";
import { getNativeDrift } from "../store/native-drift";
import { VERSION } from "../version";
import { rejectOtherMethods } from "./method-not-allowed";

export function healthRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get("/healthz", async function reportHealth(c) {
    const config = readConfig(c.env);
    const d1 = await probeD1(c.env.DB);
    const ok = config.ok && d1.ok;
    // Drift of HubSpot's native pipeline rules is reported, not judged: the engine still enforces every rule.
    const native = d1.ok ? await readNativeDrift(c.env.DB) : null;
    return c.json(
      { ok, version: VERSION, config: config.ok ? { ok: true } : { ok: false, problems: config.problems }, d1, ...(native ? { native } : {}) },
      ok ? 200 : 503,
    );
  });
  routes.all("/healthz", rejectOtherMethods(["GET", "HEAD"]));
  return routes;
}

async function readNativeDrift(db: D1Database): Promise<Record<string, unknown>> {
  try {
    const drift = await getNativeDrift(db);
    if (drift === null) return { status: "not-checked-yet" };
    return { status: drift.status, differences: drift.differences, checkedAt: new Date(drift.checkedAt).toISOString(), ...(drift.error ? { error: drift.error } : {}) };
  } catch (err) {
    return { status: "unknown", error: err instanceof Error ? err.message : String(err) };
  }
}

async function probeD1(db: D1Database | undefined): Promise<{ ok: true } | { ok: false; error: string }> {
  if (!db) return { ok: false, error: "DB binding is missing" };
  try {
    // Reading the inbox proves both the binding and that migrations were applied.
    await db.prepare("SELECT 1 FROM inbox_events LIMIT 1").first();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

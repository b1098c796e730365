// GET /healthz: no auth; says whether configuration and D1 are usable, never why in secret detail.
import { Hono } from "hono";
import type { AppEnv } from "../app";
import { parseConfig } from "../env";
import { VERSION } from "../version";

export function healthRoutes(): Hono<AppEnv> {
  const routes = new Hono<AppEnv>();
  routes.get("/healthz", async (c) => {
    const config = parseConfig(c.env);
    let d1: { ok: boolean; error?: string };
    try {
      await c.env.DB.prepare("SELECT 1").first();
      d1 = { ok: true };
    } catch (err) {
      d1 = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    const ok = config.ok && d1.ok;
    return c.json(
      { ok, version: VERSION, config: config.ok ? { ok: true } : { ok: false, problems: config.problems }, d1 },
      ok ? 200 : 503,
    );
  });
  return routes;
}

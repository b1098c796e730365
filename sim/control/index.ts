// The control API (/_sim/...) for tests, benchmarks and the demo: portals, seeding, acting as users, logs, outbox.
// It must never be reachable through the CRM routes, and never counts against a portal's rate limits.
import { Hono, type MiddlewareHandler } from "hono";
import type { PortalRegistry } from "../portal/registry";
import { actionRoutes } from "./actions";
import { logRoutes } from "./logs";
import { portalRoutes } from "./portals";
import { scenarioRoutes } from "./scenario";
import { controlError, type ControlEnv } from "./respond";

export function controlRoutes(registry: PortalRegistry): Hono<ControlEnv> {
  const app = new Hono<ControlEnv>();
  app.get("/health", (c) => c.json({ ok: true, portals: registry.list().length }));
  const resolvePortal: MiddlewareHandler<ControlEnv> = async function resolvePortal(c, next) {
    const raw = c.req.param("portalId") ?? "";
    const portal = /^\d+$/.test(raw) ? registry.get(Number(raw)) : undefined;
    if (!portal) return controlError(c, 404, "PORTAL_NOT_FOUND", `no portal ${raw}`);
    c.set("portal", portal);
    await next();
  };
  app.use("/portals/:portalId", resolvePortal);
  app.use("/portals/:portalId/*", resolvePortal);
  app.route("/", portalRoutes(registry));
  app.route("/", actionRoutes());
  app.route("/", logRoutes());
  app.route("/", scenarioRoutes());
  app.notFound((c) => controlError(c, 404, "NOT_FOUND", `no control route ${c.req.method} ${c.req.path}`));
  return app;
}

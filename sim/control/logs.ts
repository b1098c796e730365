// Control API: the call log (every CRM request and its answer), the webhook delivery log, and the outbox that
// tests drain when a portal has no pushed target (take signed deliveries, replay them, report the status).
import { Hono } from "hono";
import { z } from "zod";
import { controlError, parseControlBody, type ControlEnv } from "./respond";

const Take = z.object({ max: z.number().int().min(1).max(10_000).default(1000), includeScheduled: z.boolean().default(false) });
const Report = z.object({ status: z.number().int().min(0).max(599).nullable(), error: z.string().optional() });
const Idle = z.object({ timeoutMs: z.number().int().min(0).max(120_000).default(10_000) });

export function logRoutes(): Hono<ControlEnv> {
  const app = new Hono<ControlEnv>();

  app.get("/portals/:portalId/calls", (c) => {
    const since = Number(c.req.query("since") ?? 0) || 0;
    const method = c.req.query("method")?.toUpperCase();
    const pathIncludes = c.req.query("pathIncludes");
    const calls = c.get("portal").calls.filter((r) => r.seq > since && (!method || r.method === method) && (!pathIncludes || r.path.includes(pathIncludes)));
    return c.json({ calls });
  });

  app.delete("/portals/:portalId/calls", (c) => {
    c.get("portal").calls.length = 0;
    return c.body(null, 204);
  });

  app.get("/portals/:portalId/deliveries", (c) => {
    const portal = c.get("portal");
    return c.json({ deliveries: portal.dispatcher.log, stats: portal.dispatcher.stats() });
  });

  app.post("/portals/:portalId/webhooks/flush", (c) => {
    const portal = c.get("portal");
    portal.dispatcher.flush();
    return c.json(portal.dispatcher.stats());
  });

  app.post("/portals/:portalId/webhooks/idle", async (c) => {
    const body = await parseControlBody(c, Idle);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    portal.dispatcher.flush();
    const idle = await portal.dispatcher.waitForIdle(body.value.timeoutMs);
    return c.json({ idle, ...portal.dispatcher.stats() });
  });

  app.post("/portals/:portalId/outbox/take", async (c) => {
    const body = await parseControlBody(c, Take);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    if (portal.webhook.mode !== "outbox") return controlError(c, 409, "NOT_OUTBOX_MODE", "this portal pushes its webhooks; set webhook.mode to outbox");
    return c.json({ deliveries: portal.dispatcher.take(body.value.max, body.value.includeScheduled) });
  });

  app.post("/portals/:portalId/outbox/:deliveryId/result", async (c) => {
    const body = await parseControlBody(c, Report);
    if (!body.ok) return body.response;
    if (!c.get("portal").dispatcher.report(c.req.param("deliveryId"), body.value.status, body.value.error)) {
      return controlError(c, 404, "DELIVERY_NOT_FOUND", `no taken delivery ${c.req.param("deliveryId")}`);
    }
    return c.json({ ok: true });
  });

  return app;
}

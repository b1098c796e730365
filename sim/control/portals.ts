// Control API for portals themselves: create (isolated, own credentials), list, inspect, reset, knobs, seed, delete.
import { Hono } from "hono";
import { CreatePortalSchema, KnobsPatchSchema } from "../portal/config";
import type { Portal } from "../portal/portal";
import type { PortalRegistry } from "../portal/registry";
import { SeedSchema, seedPortal } from "../portal/seed";
import { controlError, parseControlBody, type ControlEnv } from "./respond";

export function describePortal(portal: Portal, baseUrl: string) {
  const { portalId, accessToken, appId, clientSecret } = portal.identity;
  return { portalId, accessToken, appId: String(appId), clientSecret, baseUrl, webhook: { url: portal.webhook.url, mode: portal.webhook.mode } };
}

export function portalRoutes(registry: PortalRegistry): Hono<ControlEnv> {
  const app = new Hono<ControlEnv>();

  app.post("/portals", async (c) => {
    const body = await parseControlBody(c, CreatePortalSchema);
    if (!body.ok) return body.response;
    const created = registry.create(body.value);
    if (!created.ok) return controlError(c, 409, "PORTAL_CONFLICT", created.message);
    return c.json(describePortal(created.portal, new URL(c.req.url).origin), 201);
  });

  app.get("/portals", (c) => c.json({ portals: registry.list().map((p) => describePortal(p, new URL(c.req.url).origin)) }));

  app.get("/portals/:portalId", (c) => {
    const portal = c.get("portal");
    return c.json({
      ...describePortal(portal, new URL(c.req.url).origin),
      knobs: { webhook: portal.webhook, limits: portal.limits, faults: portal.faults, requiredProperties: portal.store.requiredRules, missingScopes: portal.missingScopes },
      counts: { deals: portal.store.list("deals").length, tasks: portal.store.list("tasks").length, calls: portal.calls.length },
      webhooks: portal.dispatcher.stats(),
    });
  });

  app.delete("/portals/:portalId", (c) => {
    registry.remove(c.get("portal").identity.portalId);
    return c.body(null, 204);
  });

  app.post("/portals/:portalId/reset", (c) => {
    const fresh = registry.reset(c.get("portal").identity.portalId);
    if (!fresh) return controlError(c, 404, "PORTAL_NOT_FOUND", "portal vanished");
    return c.json(describePortal(fresh, new URL(c.req.url).origin));
  });

  app.patch("/portals/:portalId/knobs", async (c) => {
    const body = await parseControlBody(c, KnobsPatchSchema);
    if (!body.ok) return body.response;
    const portal = c.get("portal");
    portal.applyKnobs(body.value);
    return c.json({ webhook: portal.webhook, limits: portal.limits, faults: portal.faults, requiredProperties: portal.store.requiredRules, missingScopes: portal.missingScopes });
  });

  app.post("/portals/:portalId/limits/reset", (c) => {
    c.get("portal").limiter.reset();
    return c.json({ ok: true });
  });

  app.post("/portals/:portalId/seed", async (c) => {
    const body = await parseControlBody(c, SeedSchema);
    if (!body.ok) return body.response;
    const summary = seedPortal(c.get("portal"), body.value);
    return c.json(summary);
  });

  app.get("/portals/:portalId/owners", (c) => c.json({ owners: c.get("portal").store.owners }));

  app.get("/portals/:portalId/teams", (c) => {
    const portal = c.get("portal");
    const teams = portal.store.teams.map((t) => ({ ...t, memberOwnerIds: portal.store.owners.filter((o) => o.teams.some((x) => x.id === t.id)).map((o) => o.id) }));
    // ownerId → manager's ownerId, the engine's MANAGER_MAP format (a manager has no manager here).
    const managerMap: Record<string, string> = {};
    for (const t of teams) for (const m of t.memberOwnerIds) if (t.managerOwnerId && m !== t.managerOwnerId) managerMap[m] = t.managerOwnerId;
    return c.json({ teams, managerMap });
  });

  app.get("/portals/:portalId/pipelines", (c) => c.json({ pipelines: c.get("portal").store.pipelines }));

  return app;
}

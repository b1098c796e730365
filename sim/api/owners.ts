// /crm/v3/owners: list (paged, email filter) and by id, where idProperty=userId maps a webhook's `userId:N`.
import { Hono } from "hono";
import type { Portal } from "../portal/portal";
import type { Owner } from "../portal/types";
import type { CrmEnv } from "./context";
import { errorBody } from "./errors";

function serializeOwner(portal: Portal, o: Owner) {
  const created = new Date(o.createdAt).toISOString();
  return {
    id: o.id,
    email: o.email,
    type: "PERSON",
    firstName: o.firstName,
    lastName: o.lastName,
    userId: o.userId,
    userIdIncludingInactive: o.userId,
    createdAt: created,
    updatedAt: created,
    archived: false,
    teams: o.teams.map((t) => ({ id: t.id, name: portal.store.teams.find((x) => x.id === t.id)?.name ?? "", primary: t.primary })),
  };
}

export function ownerRoutes(): Hono<CrmEnv> {
  const app = new Hono<CrmEnv>();
  app.get("/", (c) => {
    const portal = c.get("portal");
    const email = c.req.query("email");
    const limit = Math.min(500, Number(c.req.query("limit") ?? 100) || 100);
    const start = Number(c.req.query("after") ?? 0) || 0;
    const all = portal.store.owners.filter((o) => email === undefined || o.email === email);
    const results = all.slice(start, start + limit).map((o) => serializeOwner(portal, o));
    return c.json({ results, ...(start + limit < all.length ? { paging: { next: { after: String(start + limit), link: "" } } } : {}) });
  });
  app.get("/:ownerId", (c) => {
    const portal = c.get("portal");
    const raw = c.req.param("ownerId");
    const byUser = c.req.query("idProperty") === "userId";
    const owner = portal.store.owners.find((o) => (byUser ? String(o.userId) === raw : o.id === raw));
    if (!owner) return c.json(errorBody("OBJECT_NOT_FOUND", `No owner found with ${byUser ? "userId" : "id"} ${raw}`, c.get("correlationId")), 404);
    return c.json(serializeOwner(portal, owner));
  });
  return app;
}

// Admin-only token management over the API: list, create (the token is returned once), revoke.
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "../../errors";
import { insertToken, listTokens, revokeToken } from "../../store/tokens";
import { requireRole, type AuthEnv } from "../auth";
import { generateId, generateSecret, hashSecret } from "../auth/secrets";

export const TOKEN_PREFIX = "dg_";

export const NewTokenSchema = z
  .object({
    name: z.string().regex(/^[\w.@-]{1,64}$/, "1–64 letters, digits, . @ _ -"),
    role: z.enum(["admin", "manager"]),
    teams: z.array(z.string().regex(/^[\w.:-]{1,64}$/)).min(1).nullable().default(null),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .strict();

export function tokenRoutes(): Hono<AuthEnv> {
  const routes = new Hono<AuthEnv>();
  routes.use("*", requireRole("admin"));
  routes.get("/", async (c) => c.json({ tokens: await listTokens(c.env.DB) }));
  routes.post("/", async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new AppError("INVALID_JSON", "body must be JSON");
    }
    const parsed = NewTokenSchema.safeParse(body);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => ({ field: i.path.join(".") || "body", message: i.message }));
      throw new AppError("BAD_REQUEST", `invalid fields: ${fields.map((f) => f.field).join(", ")}`, fields);
    }
    const now = Date.now();
    const token = generateSecret(TOKEN_PREFIX);
    const expiresAt = parsed.data.expiresAt === null ? null : Date.parse(parsed.data.expiresAt);
    const record = { id: generateId("tok_"), name: parsed.data.name, role: parsed.data.role, teams: parsed.data.teams, createdAt: now, expiresAt };
    const inserted = await insertToken(c.env.DB, { ...record, tokenHash: await hashSecret(token) });
    if (!inserted) throw new AppError("BAD_REQUEST", "a token with that name exists");
    return c.json({ token, ...record }, 201);
  });
  routes.post("/:idOrName/revoke", async (c) => {
    const revoked = await revokeToken(c.env.DB, c.req.param("idOrName"), Date.now());
    if (!revoked) throw new AppError("NOT_FOUND", "no live token with that id or name");
    return c.json({ revoked: true });
  });
  return routes;
}

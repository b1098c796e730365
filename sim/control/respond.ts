// Control API answers: `{ error: { code, message } }` on bad input (the team's error shape), zod-parsed bodies.
import type { Context } from "hono";
import type { z } from "zod";
import type { Portal } from "../portal/portal";
import { serializeHistory } from "../api/serialize";
import type { CrmObject } from "../portal/types";

export type ControlEnv = { Variables: { portal: Portal } };

export function controlError(c: Context, status: 400 | 404 | 409, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}

/** Parses an optional JSON body (empty → {}). */
export async function parseControlBody<S extends z.ZodType>(c: Context, schema: S): Promise<{ ok: true; value: z.infer<S> } | { ok: false; response: Response }> {
  const text = await c.req.text();
  let raw: unknown = {};
  if (text.trim() !== "") {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, response: controlError(c, 400, "INVALID_JSON", e instanceof Error ? e.message : String(e)) };
    }
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, response: controlError(c, 400, "INVALID_INPUT", parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")) };
}

/**
 * A deal as the control API shows it: every property, full history (oldest first),
 * associations, and — ground truth HubSpot itself doesn't keep — every association change with its time and the
 * deal a merged-away deal went into.
 */
export function describeDeal(portal: Portal, obj: CrmObject) {
  const history: Record<string, ReturnType<typeof serializeHistory>> = {};
  for (const [name, entries] of Object.entries(obj.history)) history[name] = serializeHistory(entries).reverse();
  return {
    id: obj.id,
    properties: { ...obj.properties },
    history,
    archived: obj.archived,
    createdAt: new Date(obj.createdAt).toISOString(),
    updatedAt: new Date(obj.updatedAt).toISOString(),
    associations: {
      contacts: portal.store.associatedIds(obj.id, "contacts"),
      companies: portal.store.associatedIds(obj.id, "companies"),
      line_items: portal.store.associatedIds(obj.id, "line_items"),
      tasks: portal.store.associatedIds(obj.id, "tasks"),
    },
    associationLog: portal.store.associationLog.get(obj.id) ?? [],
    ...(obj.mergedInto === undefined ? {} : { mergedInto: obj.mergedInto }),
    ...(obj.archivedAt === undefined ? {} : { archivedAt: obj.archivedAt }),
  };
}

// Parses a JSON request body with a zod schema; failures become HubSpot's 400 VALIDATION_ERROR.
import type { Context } from "hono";
import type { z } from "zod";
import type { CrmEnv } from "./context";
import { errorBody } from "./errors";

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

export async function parseBody<S extends z.ZodType>(c: Context<CrmEnv>, schema: S): Promise<Parsed<z.infer<S>>> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch (e) {
    const message = `Invalid input JSON: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, response: c.json(errorBody("VALIDATION_ERROR", message, c.get("correlationId")), 400) };
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors = parsed.error.issues.map((i) => ({ message: `${i.path.join(".")}: ${i.message}`, code: "INVALID_INPUT" }));
  return { ok: false, response: c.json(errorBody("VALIDATION_ERROR", `Invalid input: ${errors.map((e) => e.message).join("; ")}`, c.get("correlationId"), { errors }), 400) };
}

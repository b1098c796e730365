// The portal schema snapshot (policies/portal.yaml, or one pulled live): its zod schema and parser.
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { PortalSchema, Result } from "./types";

const StageSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  displayOrder: z.number(),
  isClosed: z.boolean(),
  probability: z.number().nullable(),
});
const PipelineSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  displayOrder: z.number(),
  stages: z.array(StageSchema),
});
const PropertySchema = z.object({
  name: z.string().min(1),
  type: z.enum(["string", "number", "date", "datetime", "enumeration", "bool"]),
  label: z.string().optional(),
});

export const PortalSchemaSchema = z.object({
  pipelines: z.array(PipelineSchema),
  properties: z.array(PropertySchema),
  /** The account's IANA time zone (a snapshot may state it; the engine reads HubSpot's account info). Unknown: UTC. */
  timeZone: z.string().optional(),
});

/** Parses a portal snapshot (YAML or JSON text; extra keys such as apiVersion/kind are ignored). Never throws. */
export function parsePortalSchema(text: string): Result<PortalSchema, string> {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { ok: false, error: `portal snapshot is not valid YAML: ${String(error)}` };
  }
  const parsed = PortalSchemaSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first === undefined ? "" : first.path.join(".");
    return { ok: false, error: `portal snapshot is invalid at ${where}: ${first?.message ?? "unknown"}` };
  }
  return { ok: true, value: parsed.data };
}

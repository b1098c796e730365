// zod schemas for CRM write bodies, and their mapping to store calls (properties become strings, as HubSpot coerces).
import { z } from "zod";

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const PropertiesSchema = z.record(z.string(), Scalar);

export const AssociationInputSchema = z.object({
  to: z.object({ id: z.union([z.string(), z.number()]) }),
  types: z.array(z.object({ associationCategory: z.string(), associationTypeId: z.number().int() })).min(1),
});
export type AssociationInput = z.infer<typeof AssociationInputSchema>;

export const CreateSchema = z.object({ properties: PropertiesSchema, associations: z.array(AssociationInputSchema).optional() });
export const UpdateSchema = z.object({ properties: PropertiesSchema });
// The input limits (100, or 50 with history) are checked by the routes with HubSpot's own answers (batch-limits.ts).
export const BatchCreateSchema = z.object({ inputs: z.array(CreateSchema).min(1) });
export const BatchUpdateSchema = z.object({ inputs: z.array(UpdateSchema.extend({ id: z.union([z.string(), z.number()]) })).min(1) });
export const BatchReadSchema = z.object({
  inputs: z.array(z.object({ id: z.union([z.string(), z.number()]) })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
});

export function toStringProperties(input: z.infer<typeof PropertiesSchema>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(input)) out[k] = v === null ? null : String(v);
  return out;
}

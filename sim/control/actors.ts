// Who the control API acts as. Maps to HubSpot's changeSource/sourceId pairs (REFERENCE.md §3).
import { z } from "zod";
import type { Portal } from "../portal/portal";
import type { ChangeActor, CrmObject } from "../portal/types";

export const ActorSchema = z.discriminatedUnion("kind", [
  // superAdmin: the user is a super admin, whom HubSpot's pipeline rules never stop.
  z.object({ kind: z.literal("user"), userId: z.number().int().optional(), ownerId: z.string().optional(), superAdmin: z.boolean().optional() }),
  z.object({ kind: z.literal("bulk"), userId: z.number().int().optional(), ownerId: z.string().optional(), superAdmin: z.boolean().optional() }),
  z.object({ kind: z.literal("import"), importId: z.string().optional() }),
  z.object({ kind: z.literal("workflow"), workflowId: z.string().optional() }),
  z.object({ kind: z.literal("integration"), appId: z.string().optional() }),
  // userId: an API write made on a user's behalf (HubSpot then applies its pipeline rules to it).
  z.object({ kind: z.literal("api"), sourceId: z.string().optional(), userId: z.number().int().optional() }),
]);
export type ActorInput = z.infer<typeof ActorSchema>;

/** Whether the actor is a super admin (not part of HubSpot's change record, so kept apart from ChangeActor). */
export function isSuperAdmin(input: ActorInput | undefined): boolean {
  return (input?.kind === "user" || input?.kind === "bulk") && input.superAdmin === true;
}

/** Resolves the actor; a user defaults to the deal's owner, then to the portal's first owner. */
export function resolveActor(portal: Portal, input: ActorInput | undefined, deal?: CrmObject): ChangeActor {
  const kind = input?.kind ?? "user";
  switch (kind) {
    case "user":
    case "bulk": {
      const spec = input && (input.kind === "user" || input.kind === "bulk") ? input : undefined;
      const owners = portal.store.owners;
      const owner = spec?.ownerId !== undefined ? owners.find((o) => o.id === spec.ownerId) : owners.find((o) => o.id === deal?.properties.hubspot_owner_id) ?? owners[0];
      const userId = spec?.userId ?? owner?.userId;
      const sourceType = kind === "bulk" ? "CRM_UI_BULK_ACTION" : "CRM_UI";
      return userId === undefined ? { sourceType } : { sourceType, sourceId: `userId:${userId}`, updatedByUserId: userId };
    }
    case "import":
      return { sourceType: "IMPORT", sourceId: input?.kind === "import" && input.importId ? input.importId : "sim-import", sourceLabel: "Import" };
    case "workflow":
      return { sourceType: "WORKFLOW", sourceId: input?.kind === "workflow" && input.workflowId ? input.workflowId : "7301", sourceLabel: "Workflow" };
    case "integration":
      return { sourceType: "INTEGRATION", sourceId: input?.kind === "integration" && input.appId ? input.appId : String(portal.identity.appId) };
    case "api": {
      const spec = input?.kind === "api" ? input : undefined;
      const source = spec?.sourceId ?? (spec?.userId === undefined ? undefined : `userId:${spec.userId}`);
      return { sourceType: "API", ...(source === undefined ? {} : { sourceId: source }), ...(spec?.userId === undefined ? {} : { updatedByUserId: spec.userId }) };
    }
  }
}

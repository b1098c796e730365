// Turns store changes into HubSpot webhook event objects (deal.* or object.* spelling), honouring subscriptions.
import type { DomainEvent } from "../portal/types";
import type { WebhookConfig } from "../portal/config";

export interface WebhookEvent {
  eventId: number;
  subscriptionId: number;
  portalId: number;
  appId: number;
  occurredAt: number;
  subscriptionType: string;
  attemptNumber: number;
  objectId: number;
  objectTypeId?: string;
  changeFlag?: string;
  changeSource: string;
  sourceId?: string;
  propertyName?: string;
  propertyValue?: string;
  isSensitive?: boolean;
  primaryObjectId?: number;
  mergedObjectIds?: number[];
  newObjectId?: number;
  numberOfPropertiesMoved?: number;
  associationType?: string;
  fromObjectId?: number;
  toObjectId?: number;
  associationRemoved?: boolean;
  isPrimaryAssociation?: boolean;
}

const ASSOCIATION_TYPE: Record<string, string> = { contacts: "DEAL_TO_CONTACT", companies: "DEAL_TO_COMPANY", line_items: "DEAL_TO_LINE_ITEM", tasks: "DEAL_TO_TASK" };
const READ_ONLY_DEAL_PROPS = new Set(["hs_lastmodifieddate", "hs_object_id", "createdate"]);
const SUBSCRIPTION_BASE = 1_200_000;

export interface EventContext {
  portalId: number;
  appId: number;
  eventId: number;
  config: WebhookConfig;
}

/** Builds the webhook event for a change, or null when no subscription covers it. */
export function buildWebhookEvent(change: DomainEvent, ctx: EventContext): WebhookEvent | null {
  const type = change.kind;
  if (type === "propertyChange" && !isSubscribed(change.propertyName, ctx.config)) return null;
  const generic = ctx.config.genericSubscriptions;
  const base: WebhookEvent = {
    eventId: ctx.eventId,
    subscriptionId: subscriptionIdFor(type, type === "propertyChange" ? change.propertyName : ""),
    portalId: ctx.portalId,
    appId: ctx.appId,
    occurredAt: change.at,
    subscriptionType: `${generic ? "object" : "deal"}.${type}`,
    attemptNumber: 0,
    objectId: Number(change.objectId),
    changeSource: change.actor.sourceType,
  };
  if (generic) base.objectTypeId = "0-3";
  // HubSpot omits sourceId for imports.
  if (change.actor.sourceId !== undefined && change.actor.sourceType !== "IMPORT") base.sourceId = change.actor.sourceId;
  switch (change.kind) {
    case "creation": return { ...base, changeFlag: "CREATED" };
    case "deletion": return { ...base, changeFlag: "DELETED" };
    case "restore": return base;
    case "propertyChange": return { ...base, propertyName: change.propertyName, propertyValue: change.propertyValue, isSensitive: false };
    case "merge": return {
      ...base,
      primaryObjectId: Number(change.primaryObjectId),
      mergedObjectIds: change.mergedObjectIds.map(Number),
      newObjectId: Number(change.primaryObjectId),
      numberOfPropertiesMoved: 0,
    };
    case "associationChange": return {
      ...base,
      associationType: ASSOCIATION_TYPE[change.toType] ?? "DEAL_TO_OBJECT",
      fromObjectId: Number(change.objectId),
      toObjectId: Number(change.toObjectId),
      associationRemoved: change.removed,
      isPrimaryAssociation: false,
    };
  }
}

function isSubscribed(propertyName: string, config: WebhookConfig): boolean {
  if (READ_ONLY_DEAL_PROPS.has(propertyName)) return false;
  return config.subscribedProperties === "*" || config.subscribedProperties.includes(propertyName);
}

/** Stable subscription ids: one per subscription type, one per subscribed property. */
function subscriptionIdFor(kind: string, propertyName: string): number {
  let h = 0;
  for (const ch of `${kind}:${propertyName}`) h = (h * 31 + ch.charCodeAt(0)) % 100_000;
  return SUBSCRIPTION_BASE + h;
}

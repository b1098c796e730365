// HubSpot webhook event schemas: what a delivery body must look like, and the one normalised shape
// (`HubSpotEvent`) the rest of the engine sees. Parsing only — no I/O, no clock.
import { z } from "zod";

/** Deal subscription types the engine understands (after normalising `object.*` + objectTypeId 0-3). */
export const DEAL_SUBSCRIPTION_TYPES = [
  "deal.creation",
  "deal.deletion",
  "deal.propertyChange",
  "deal.associationChange",
  "deal.merge",
  "deal.restore",
] as const;
export type DealSubscriptionType = (typeof DEAL_SUBSCRIPTION_TYPES)[number];

export const DEAL_OBJECT_TYPE_ID = "0-3";

// HubSpot sends ids as JSON numbers; accept digit strings too (some proxies and the workflow action stringify).
const IdSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, "must be a numeric id")]);
const EpochMsSchema = z.number().int().nonnegative();
const optionalText = z.string().optional();

/**
 * One event as delivered. Unknown extra fields are kept (the raw event is stored for replay), so this is
 * a loose object; the fields below are checked.
 */
export const RawEventSchema = z.looseObject({
  eventId: IdSchema,
  subscriptionId: IdSchema,
  portalId: IdSchema,
  appId: IdSchema,
  occurredAt: EpochMsSchema,
  subscriptionType: z.string().regex(/^[A-Za-z_]+\.[A-Za-z_]+$/, "must look like 'object.eventType'"),
  attemptNumber: z.number().int().nonnegative(),
  objectId: IdSchema,
  objectTypeId: optionalText,
  propertyName: optionalText,
  propertyValue: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  changeSource: optionalText,
  sourceId: z.union([z.string(), z.number()]).optional(),
  changeFlag: optionalText,
  primaryObjectId: IdSchema.optional(),
  mergedObjectIds: z.array(IdSchema).optional(),
  newObjectId: IdSchema.optional(),
  associationType: optionalText,
  fromObjectId: IdSchema.optional(),
  toObjectId: IdSchema.optional(),
  associationRemoved: z.boolean().optional(),
  isPrimaryAssociation: z.boolean().optional(),
});
export type RawEvent = z.infer<typeof RawEventSchema>;

/** The normalised event every consumer works with. Ids are strings; `deal.*` spelling always. */
export interface HubSpotEvent {
  eventId: string;
  subscriptionId: string;
  portalId: string;
  appId: string;
  occurredAt: number;
  /** `deal.*` for deal events (also when delivered as `object.*` with objectTypeId 0-3); otherwise as sent. */
  subscriptionType: string;
  attemptNumber: number;
  objectId: string;
  /** "0-3" for deals; null when the delivery didn't say and the type isn't a deal type. */
  objectTypeId: string | null;
  propertyName: string | null;
  /** The NEW value only (HubSpot never sends the old one), as a string like the CRM API returns. */
  propertyValue: string | null;
  changeSource: string | null;
  sourceId: string | null;
  changeFlag: string | null;
  primaryObjectId: string | null;
  mergedObjectIds: string[];
  newObjectId: string | null;
  associationType: string | null;
  fromObjectId: string | null;
  toObjectId: string | null;
  associationRemoved: boolean | null;
  /** sha-256 hex of the event's canonical content (attemptNumber excluded): the inbox key. Set by the consumer. */
  inboxHash?: string;
}

export type DealEvent = HubSpotEvent & { subscriptionType: DealSubscriptionType };

const OBJECT_TYPE_BY_PREFIX: Record<string, string> = {
  contact: "0-1",
  company: "0-2",
  deal: "0-3",
  ticket: "0-5",
};

const idOrNull = (v: string | number | undefined): string | null => (v === undefined ? null : String(v));

/** Turns a validated raw event into the normalised shape. Pure; never throws. */
export function normaliseEvent(raw: RawEvent): HubSpotEvent {
  const [prefix = "", action = ""] = raw.subscriptionType.split(".");
  const objectTypeId = raw.objectTypeId ?? OBJECT_TYPE_BY_PREFIX[prefix] ?? null;
  const subscriptionType = prefix === "object" && objectTypeId === DEAL_OBJECT_TYPE_ID ? `deal.${action}` : raw.subscriptionType;
  return {
    eventId: String(raw.eventId),
    subscriptionId: String(raw.subscriptionId),
    portalId: String(raw.portalId),
    appId: String(raw.appId),
    occurredAt: raw.occurredAt,
    subscriptionType,
    attemptNumber: raw.attemptNumber,
    objectId: String(raw.objectId),
    objectTypeId,
    propertyName: raw.propertyName ?? null,
    propertyValue: raw.propertyValue === undefined || raw.propertyValue === null ? null : String(raw.propertyValue),
    changeSource: raw.changeSource ?? null,
    sourceId: idOrNull(raw.sourceId),
    changeFlag: raw.changeFlag ?? null,
    primaryObjectId: idOrNull(raw.primaryObjectId),
    mergedObjectIds: (raw.mergedObjectIds ?? []).map(String),
    newObjectId: idOrNull(raw.newObjectId),
    associationType: raw.associationType ?? null,
    fromObjectId: idOrNull(raw.fromObjectId),
    toObjectId: idOrNull(raw.toObjectId),
    associationRemoved: raw.associationRemoved ?? null,
  };
}

/** True for the deal subscription types the engine processes. */
export function isDealEvent(event: HubSpotEvent): event is DealEvent {
  return (DEAL_SUBSCRIPTION_TYPES as readonly string[]).includes(event.subscriptionType);
}

export type DeliveryParse = { ok: true; events: RawEvent[] } | { ok: false; field: string; message: string };
export type EventParse = { ok: true; event: RawEvent } | { ok: false; field: string; message: string };

/**
 * Validates a parsed JSON delivery body. On failure names the first wrong field (`[3].portalId`).
 * Deal property changes must name their property. Never throws.
 */
export function parseDelivery(json: unknown): DeliveryParse {
  if (!Array.isArray(json)) return { ok: false, field: "(body)", message: "(body): must be a JSON array of events" };
  const events: RawEvent[] = [];
  for (const [i, item] of json.entries()) {
    const parsed = parseEvent(item, i);
    if (!parsed.ok) return parsed;
    events.push(parsed.event);
  }
  return { ok: true, events };
}

/**
 * Validates one event of a delivery; `index` is its position, used to name a wrong field (`[3].portalId`).
 * Deal property changes must name their property. Never throws.
 */
export function parseEvent(json: unknown, index: number): EventParse {
  const parsed = RawEventSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = formatPath([index, ...(issue?.path ?? [])]);
    return { ok: false, field, message: `${field}: ${issue?.message ?? "invalid"}` };
  }
  const event = normaliseEvent(parsed.data);
  if (event.subscriptionType === "deal.propertyChange" && event.propertyName === null) {
    const field = `[${index}].propertyName`;
    return { ok: false, field, message: `${field}: is required for property changes` };
  }
  return { ok: true, event: parsed.data };
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return "(body)";
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
}

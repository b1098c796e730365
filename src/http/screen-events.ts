// Screens a delivery's events one by one before anything is enqueued: too deeply nested, too large or not a HubSpot
// event → refused, each on its own, so one bad event never fails the valid events it arrived with. Pure.
import { parseEvent, type RawEvent } from "../hubspot/events";
import { MAX_MESSAGE_BYTES } from "./enqueue-events";

/**
 * HubSpot events are flat (an object holding scalars and one id array: depth 2). 32 leaves room for any shape
 * HubSpot may add while keeping every later step (structured clone onto the queue, SQLite's JSON functions with
 * their 1,000-level limit, hashing) far from its own limits.
 */
export const MAX_EVENT_DEPTH = 32;

/**
 * The largest event one queue message can carry (less the byte its separator takes in the message's array). HubSpot
 * caps a text property at 65,536 characters, so a genuine event with the longest plain-text value still fits.
 */
export const MAX_EVENT_BYTES = MAX_MESSAGE_BYTES - 1;

/**
 * HubSpot sends fewer than 100 events per delivery. Ten times that still bounds what one request can cost to
 * screen and record (a 1 MiB body could otherwise hold 500,000 tiny refused items).
 */
export const MAX_EVENTS_PER_DELIVERY = 1_000;

export type RefusalCode = "JSON_TOO_DEEP" | "EVENT_TOO_LARGE" | "INVALID_EVENTS";

export interface Refusal {
  /** Position in the delivery. */
  index: number;
  code: RefusalCode;
  /** The wrong field (`[3].portalId`), or the event itself (`[3]`). */
  field: string;
  message: string;
  /** The event as parsed, kept so that the refusal can be recorded. */
  value: unknown;
}

export interface ScreenedDelivery {
  accepted: RawEvent[];
  refused: Refusal[];
}

const encoder = new TextEncoder();

/**
 * Splits a delivery into the events to enqueue and the refused ones, in delivery order. `bodyBytes` (the delivery's
 * size) lets small deliveries skip measuring each event. Never throws.
 */
export function screenEvents(items: readonly unknown[], bodyBytes: number): ScreenedDelivery {
  const accepted: RawEvent[] = [];
  const refused: Refusal[] = [];
  for (const [index, value] of items.entries()) {
    const field = `[${index}]`;
    if (exceedsDepth(value, MAX_EVENT_DEPTH)) {
      refused.push({ index, code: "JSON_TOO_DEEP", field, message: `${field}: nested deeper than ${MAX_EVENT_DEPTH} levels`, value });
      continue;
    }
    // A delivery no larger than the limit can't hold an event over it: skip serialising every event.
    if (bodyBytes > MAX_EVENT_BYTES && encoder.encode(JSON.stringify(value)).byteLength > MAX_EVENT_BYTES) {
      refused.push({ index, code: "EVENT_TOO_LARGE", field, message: `${field}: larger than ${MAX_EVENT_BYTES} bytes`, value });
      continue;
    }
    const parsed = parseEvent(value, index);
    if (parsed.ok) accepted.push(parsed.event);
    else refused.push({ index, code: "INVALID_EVENTS", field: parsed.field, message: parsed.message, value });
  }
  return { accepted, refused };
}

/**
 * Whether objects/arrays nest more than `limit` levels (`{}` and `[]` are 1; scalars 0). Walks with an explicit
 * stack, never recursion, so input nested 500,000 deep is answered, not a stack overflow. Pure.
 */
export function exceedsDepth(value: unknown, limit: number): boolean {
  const stack: Array<{ node: object; depth: number }> = [];
  if (value !== null && typeof value === "object") stack.push({ node: value, depth: 1 });
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.depth > limit) return true;
    const children: unknown[] = Array.isArray(item.node) ? item.node : Object.values(item.node);
    for (const child of children) {
      if (child !== null && typeof child === "object") stack.push({ node: child, depth: item.depth + 1 });
    }
  }
  return false;
}

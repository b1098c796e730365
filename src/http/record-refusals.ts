// Turns the ingress's refusals into refused_events rows: canonical payload, content hash (attemptNumber excluded,
// so HubSpot's retries of one delivery are one row) and whatever ids are readable. Builds rows; the store writes.
import { canonicalJson } from "../store/event-hash";
import { recordRefusedEvents, type RefusedEvent } from "../store/refused-events";
import type { Refusal } from "./screen-events";

/** Kept in full up to this many characters (a too-large event is kept truncated, with its full size and hash). */
export const MAX_STORED_PAYLOAD_CHARS = 128 * 1024;

const encoder = new TextEncoder();

/** Records the refusals; throws when D1 fails. */
export async function recordRefusals(db: D1Database, refusals: readonly Refusal[], now: number): Promise<void> {
  await recordRefusedEvents(db, await Promise.all(refusals.map(toRefusedEvent)), now);
}

async function toRefusedEvent(refusal: Refusal): Promise<RefusedEvent> {
  const top = isRecord(refusal.value) ? refusal.value : null;
  const { attemptNumber: _retryCounter, ...content } = top ?? {};
  const payload = canonicalJson(refusal.value);
  const bytes = encoder.encode(payload);
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(canonicalJson(top ? content : refusal.value)));
  return {
    hash: Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join(""),
    reason: refusal.code,
    field: refusal.field,
    message: refusal.message,
    eventId: idText(top?.eventId),
    portalId: idText(top?.portalId),
    objectId: idText(top?.objectId),
    subscriptionType: typeof top?.subscriptionType === "string" ? top.subscriptionType.slice(0, 200) : null,
    payload: payload.length > MAX_STORED_PAYLOAD_CHARS ? payload.slice(0, MAX_STORED_PAYLOAD_CHARS) : payload,
    bytes: bytes.byteLength,
    truncated: payload.length > MAX_STORED_PAYLOAD_CHARS,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function idText(value: unknown): string | null {
  return typeof value === "number" || (typeof value === "string" && value.length <= 64) ? String(value) : null;
}

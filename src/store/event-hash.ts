// The inbox key: sha-256 of an event's canonical JSON without attemptNumber, so HubSpot's redeliveries of the
// same event (attemptNumber 1, 2, …) and duplicates inside one batch all map to one row. eventId alone is not unique.
import { sha256Hex } from "../sha256";

/** JSON with object keys sorted at every level, so equal content always gives equal text. Pure. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** sha-256 hex of the event's canonical JSON with attemptNumber removed. */
export function hashEvent(raw: Record<string, unknown>): string {
  const { attemptNumber: _ignored, ...content } = raw;
  return sha256Hex(canonicalJson(content));
}

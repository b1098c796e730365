// Hashes and classifies a queue batch's events before they are stored: duplicates collapse into one inbox row, each
// distinct event is owned by the first message that carried it, and events the engine doesn't process say why.
import type { Config, QueueMessage } from "../../env";
import { isDealEvent, normaliseEvent, type HubSpotEvent } from "../../hubspot/events";
import { hashEvent } from "../../store/event-hash";
import { utcDay, type InboxRow } from "../../store/inbox";

export interface Decoded {
  message: Message<unknown>;
  body: QueueMessage;
}

export interface PreparedEvent {
  row: InboxRow;
  event: HubSpotEvent;
}

/**
 * Hashes and classifies every event of the batch. Duplicates (inside a message or across messages) collapse
 * into one row with `copies`; each distinct event is owned by the first message that carried it.
 */
export function prepareBatch(decoded: Decoded[], config: Config) {
  const rows = new Map<string, PreparedEvent>();
  const owned = new Map<string, PreparedEvent[]>();
  const unreadable: Array<{ message: Message<unknown>; error: string }> = [];
  for (const { message, body } of decoded) {
    const receivedDay = utcDay(body.receivedAt);
    let hashes: string[];
    try {
      hashes = body.events.map((raw) => hashEvent(raw));
    } catch (err) {
      unreadable.push({ message, error: `events could not be hashed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}` });
      continue;
    }
    const firstDelivery = message.attempts <= 1 && (body.deferrals ?? 0) === 0 && body.replay !== true;
    const mine: PreparedEvent[] = [];
    for (const [i, raw] of body.events.entries()) {
      const hash = hashes[i] ?? "";
      const existing = rows.get(hash);
      if (existing) {
        existing.row.copies += 1;
        existing.row.countDeliveries &&= firstDelivery;
        continue;
      }
      const event: HubSpotEvent = { ...normaliseEvent(raw), inboxHash: hash };
      const reason = ignoreReason(event, config);
      const prepared: PreparedEvent = {
        event,
        row: {
          hash,
          eventId: event.eventId,
          portalId: event.portalId,
          subscriptionType: event.subscriptionType,
          objectId: event.objectId,
          propertyName: event.propertyName,
          occurredAt: event.occurredAt,
          receivedAt: body.receivedAt,
          receivedDay,
          attemptNumber: event.attemptNumber,
          copies: 1,
          countDeliveries: firstDelivery,
          status: reason === null ? "pending" : "ignored",
          reason,
          payload: raw,
        },
      };
      rows.set(hash, prepared);
      mine.push(prepared);
    }
    owned.set(message.id, mine);
  }
  return { rows, owned, unreadable };
}

/** Why an event is accepted but not processed; null when it is processed. */
export function ignoreReason(event: HubSpotEvent, config: Pick<Config, "HUBSPOT_PORTAL_ID">): string | null {
  if (config.HUBSPOT_PORTAL_ID !== undefined && event.portalId !== config.HUBSPOT_PORTAL_ID) return "other_portal";
  if (!isDealEvent(event)) return "unhandled_type";
  return null;
}

export function hashesOf(events: HubSpotEvent[]): string[] {
  return events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash]));
}

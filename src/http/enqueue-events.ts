// Puts verified events on the EVENTS queue in chunks that respect Cloudflare Queues' limits
// (128 KB per message, 100 messages and 256 KB per sendBatch). No D1 here: the ingress must stay fast.
import type { QueueMessageBody } from "../env";
import type { RawEvent } from "../hubspot/events";

// Headroom under the 128 KB message limit for the envelope and JSON framing.
export const MAX_MESSAGE_BYTES = 120 * 1024;
const MAX_SEND_BATCH_BYTES = 240 * 1024;
const MAX_SEND_BATCH_MESSAGES = 100;

const encoder = new TextEncoder();

export type EnqueueResult = { ok: true; messages: number } | { ok: false; reason: "event-too-large"; index: number };

/**
 * Splits events into queue messages of at most MAX_MESSAGE_BYTES and sends them. Returns a value for an
 * event that can't fit in any message; lets queue failures throw (the caller answers 503 so HubSpot retries).
 */
export async function enqueueEvents(
  queue: Queue<QueueMessageBody>,
  events: RawEvent[],
  receivedAt: number,
  bodyBytes: number,
): Promise<EnqueueResult> {
  if (events.length === 0) return { ok: true, messages: 0 };
  const chunked = chunkEvents(events, bodyBytes);
  if (!chunked.ok) return chunked;
  const sends: Promise<unknown>[] = [];
  let group: MessageSendRequest<QueueMessageBody>[] = [];
  let groupBytes = 0;
  for (const chunk of chunked.chunks) {
    if (group.length > 0 && (groupBytes + chunk.bytes > MAX_SEND_BATCH_BYTES || group.length >= MAX_SEND_BATCH_MESSAGES)) {
      sends.push(queue.sendBatch(group));
      group = [];
      groupBytes = 0;
    }
    group.push({ body: { kind: "events", receivedAt, events: chunk.events }, contentType: "json" });
    groupBytes += chunk.bytes;
  }
  sends.push(queue.sendBatch(group));
  await Promise.all(sends);
  return { ok: true, messages: chunked.chunks.length };
}

interface Chunk {
  events: RawEvent[];
  bytes: number;
}

/** Groups events into chunks under the message limit. Pure. */
export function chunkEvents(
  events: RawEvent[],
  bodyBytes: number,
): { ok: true; chunks: Chunk[] } | { ok: false; reason: "event-too-large"; index: number } {
  // Fast path (every HubSpot batch of < 100 ordinary events): the body itself is far under the limit.
  if (bodyBytes <= MAX_MESSAGE_BYTES / 2) return { ok: true, chunks: [{ events, bytes: bodyBytes }] };
  const chunks: Chunk[] = [];
  let current: Chunk = { events: [], bytes: 0 };
  for (const [index, event] of events.entries()) {
    const size = encoder.encode(JSON.stringify(event)).byteLength + 1;
    if (size > MAX_MESSAGE_BYTES) return { ok: false, reason: "event-too-large", index };
    if (current.bytes + size > MAX_MESSAGE_BYTES) {
      chunks.push(current);
      current = { events: [], bytes: 0 };
    }
    current.events.push(event);
    current.bytes += size;
  }
  if (current.events.length > 0) chunks.push(current);
  return { ok: true, chunks };
}

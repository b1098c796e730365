// Pending never means forgotten (issue 16.5): inbox rows still `pending` after the queue's whole retry horizon (a
// crash after the ack, a dead-lettered message) are sent through the queue again; dead letters an operator asked to
// replay (`npm run ops -- replay-dead-letters`, or the admin API) are re-sent the same way. The consumer's inbox
// keys events by content hash, so a replay processes each event at most once more and counts no new delivery.
import type { QueueMessageBody } from "../../env";
import { listReplayRequested, listStalePending, markReplayed, markSwept } from "../../store/failures";

/**
 * The queue's retry horizon: 10 retries with backoff 4 s … 15 min (consume-events.ts) add up to ~47 min; a row
 * pending longer than this is no longer in any message's retries.
 */
export const PENDING_HORIZON_MS = 60 * 60_000;
/** A row re-sent this often and still pending is left for an operator (the admin page shows it, with its reason). */
export const MAX_SWEEPS = 3;
const ROWS_PER_SWEEP = 500;
const EVENTS_PER_MESSAGE = 100;
/** Under the queue's 128 KB message limit, with room for the envelope. */
const MESSAGE_BYTES = 100 * 1024;

export type SendMessage = (body: QueueMessageBody) => Promise<void>;

/** Groups events into queue messages of ≤100 events and ≤100 KB (one oversized event goes alone). */
export function packMessages(events: Array<{ event: Record<string, unknown>; receivedAt: number }>): QueueMessageBody[] {
  const out: QueueMessageBody[] = [];
  let current: Array<Record<string, unknown>> = [];
  let bytes = 0;
  let receivedAt = 0;
  const flush = () => {
    if (current.length > 0) out.push({ kind: "events", receivedAt, events: current, replay: true });
    current = [];
    bytes = 0;
  };
  for (const e of events) {
    const size = JSON.stringify(e.event).length;
    if (current.length >= EVENTS_PER_MESSAGE || (current.length > 0 && bytes + size > MESSAGE_BYTES)) flush();
    if (current.length === 0) receivedAt = e.receivedAt;
    current.push(e.event);
    bytes += size;
  }
  flush();
  return out;
}

/** Re-sends stale pending rows; returns how many were re-sent. Throws on D1 or queue failure (the cron reports it). */
export async function sweepPendingInbox(db: D1Database, send: SendMessage, now: number): Promise<number> {
  const rows = await listStalePending(db, now - PENDING_HORIZON_MS, MAX_SWEEPS, ROWS_PER_SWEEP);
  const events = rows.flatMap((r) => {
    const event = parseObject(r.payload);
    return event === null ? [] : [{ event, receivedAt: r.receivedAt }];
  });
  for (const body of packMessages(events)) await send(body);
  await markSwept(db, rows.map((r) => r.hash), now);
  return events.length;
}

/** Re-sends the dead letters whose replay was asked for; one that isn't an events message is marked with why. */
export async function replayRequestedDeadLetters(db: D1Database, send: SendMessage, now: number, limit = 100): Promise<number> {
  let replayed = 0;
  for (const letter of await listReplayRequested(db, limit)) {
    const body = parseObject(letter.body);
    const events = body !== null && body.kind === "events" && Array.isArray(body.events) ? body.events.filter(isObject) : null;
    if (events === null || events.length === 0) {
      await markReplayed(db, letter.id, now, "not replayable: its body is not a batch of events");
      continue;
    }
    const receivedAt = typeof body?.receivedAt === "number" ? body.receivedAt : now;
    for (const message of packMessages(events.map((event) => ({ event, receivedAt })))) await send(message);
    await markReplayed(db, letter.id, now, null);
    replayed++;
  }
  return replayed;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Waiting for HubSpot's rate budget is not a failure: instead of `retry({ delaySeconds })`, which counts as a delivery
// attempt toward max_retries (so a long wait would dead-letter healthy events), the message is sent again as a new
// message with a delay and the old one acked. Exactly-once still holds: the inbox keys events by content hash, and
// a deferred copy's deliveries are not counted twice.
import type { QueueMessage, QueueMessageBody } from "../../env";

/** A message deferred this many times falls back to ordinary retries (so a stuck wait still ends somewhere). */
export const MAX_DEFERRALS = 200;
/** Cloudflare Queues' longest delivery delay (12 h). */
const MAX_DELAY_SECONDS = 12 * 3600;

export type SendDelayed = (body: QueueMessageBody, delaySeconds: number) => Promise<void>;

/** The body of the deferred copy: the same events, one more deferral. */
export function deferredBody(body: QueueMessage): QueueMessageBody {
  return { kind: "events", receivedAt: body.receivedAt, events: body.events, deferrals: (body.deferrals ?? 0) + 1, ...(body.replay === true ? { replay: true } : {}) };
}

/**
 * Sends the deferred copy, then acks the original. Returns false (leaving the message undecided for the caller to
 * retry) when the message has been deferred too often or the send fails.
 */
export async function deferMessage(message: Message<unknown>, body: QueueMessage, delaySeconds: number, send: SendDelayed): Promise<boolean> {
  if ((body.deferrals ?? 0) >= MAX_DEFERRALS) return false;
  try {
    await send(deferredBody(body), Math.min(Math.max(1, Math.ceil(delaySeconds)), MAX_DELAY_SECONDS));
  } catch (err) {
    console.error(`could not defer queue message ${message.id}`, err);
    return false;
  }
  message.ack();
  return true;
}

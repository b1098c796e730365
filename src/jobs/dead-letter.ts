// The dead-letter queue consumer: records every message that exhausted its retries in dead_letters, with the
// last error the main consumer noted on its inbox rows. It acks only after the row is written.
import { QueueMessageSchema, type Env } from "../env";
import { recordDeadLetter } from "../store/dead-letters";
import { hashEvent } from "../store/event-hash";
import { listInboxFailures } from "../store/inbox";

/** Writes one dead_letters row per message, then acks; a D1 failure retries the DLQ message. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, now: () => number): Promise<void> {
  for (const message of batch.messages) {
    try {
      const error = await describeFailure(message.body, env.DB);
      await recordDeadLetter(env.DB, {
        id: message.id,
        queue: batch.queue,
        attempts: message.attempts,
        body: JSON.stringify(message.body) ?? "null",
        error,
        failedAt: now(),
      });
      message.ack();
    } catch (err) {
      console.error(`could not record dead letter ${message.id}`, err);
      message.retry({ delaySeconds: 30 });
    }
  }
}

async function describeFailure(body: unknown, db: D1Database): Promise<string> {
  const parsed = QueueMessageSchema.safeParse(body);
  if (!parsed.success) return "malformed queue message";
  const hashes = parsed.data.events.map((e) => hashEvent(e));
  const reasons = await listInboxFailures(db, hashes);
  return reasons.length > 0 ? reasons.join("; ") : "retries exhausted; no error was recorded (failed before storing)";
}

// The EVENTS queue consumer: stores each event in the inbox exactly once, then hands the still-unprocessed deal
// events to enforcement. A message is acked only when that work is done; failures retry with exponential delay.
// It never answers HubSpot (the ingress did) and never drops a message without a dead_letters row.
import type { EnforceDeps, EnforceOutcome } from "../enforcement";
import { QueueMessageSchema, readConfig, type Config, type Env, type QueueMessage } from "../env";
import { isDealEvent, normaliseEvent, type HubSpotEvent } from "../hubspot/events";
import type { Result } from "../result";
import { recordDeadLetter } from "../store/dead-letters";
import { hashEvent } from "../store/event-hash";
import { markInboxProcessed, noteInboxFailure, storeInboxEvents, utcDay, type InboxRow } from "../store/inbox";

const RETRY_BASE_SECONDS = 2;
const RETRY_CAP_SECONDS = 15 * 60;

/** min(2^attempts × base, cap): 4 s, 8 s, 16 s … 15 min. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(1, attempts) * RETRY_BASE_SECONDS, RETRY_CAP_SECONDS);
}

export interface ConsumeDeps {
  enforce: (events: HubSpotEvent[], deps: EnforceDeps) => Promise<EnforceOutcome>;
  now: () => number;
}

interface Decoded {
  message: Message<unknown>;
  body: QueueMessage;
}

/**
 * Handles one batch from the EVENTS queue. The events of all its messages are stored together (a few D1 calls
 * of ~100 rows, not several per message); then the still-pending deal events of ALL its messages go to enforcement
 * in one run. Messages with nothing pending are acked at once; the others are acked when the run succeeds and
 * retried together when it fails — never left undecided. Never throws.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env, deps: ConsumeDeps): Promise<void> {
  const decoded: Decoded[] = [];
  for (const message of batch.messages) {
    // Yield between messages: a big batch must not hold the isolate (the ingress shares it locally).
    await yieldToEventLoop();
    const parsed = QueueMessageSchema.safeParse(message.body);
    if (parsed.success) {
      decoded.push({ message, body: parsed.data });
      continue;
    }
    // Retrying can't fix a malformed body: record it and move on.
    const recorded = await settle(
      recordDeadLetter(env.DB, {
        id: message.id,
        queue: batch.queue,
        attempts: message.attempts,
        body: JSON.stringify(message.body) ?? "null",
        error: `malformed queue message: ${parsed.error.issues[0]?.message ?? "invalid"}`,
        failedAt: deps.now(),
      }),
    );
    if (recorded.ok) message.ack();
    else retry(message, recorded.error);
  }
  if (decoded.length === 0) return;

  const config = readConfig(env);
  if (!config.ok) {
    for (const d of decoded) retry(d.message, `configuration incomplete: ${config.problems.join("; ")}`);
    return;
  }
  const prepared = prepareBatch(decoded, config.config);
  const stored = await settle(storeInboxEvents(env.DB, [...prepared.rows.values()].map((p) => p.row)));
  if (!stored.ok) {
    for (const d of decoded) retry(d.message, stored.error);
    return;
  }

  // One enforcement run over the whole batch: events of one deal spread over several messages are grouped
  // together (one read per ≤100 deals per batch, not per message), and the batch costs one run's fixed overhead.
  const owners: Message<unknown>[] = [];
  const pending: HubSpotEvent[] = [];
  for (const { message } of decoded) {
    const mine = (prepared.owned.get(message.id) ?? []).filter((p) => p.row.status === "pending" && stored.value.get(p.row.hash) === "pending");
    if (mine.length === 0) {
      // Nothing left to do for it (duplicates, ignored or already processed events): acked whatever happens below.
      message.ack();
      continue;
    }
    owners.push(message);
    pending.push(...mine.map((p) => p.event));
  }
  if (pending.length === 0) return;
  pending.sort((a, b) => a.occurredAt - b.occurredAt);
  const hashes = hashesOf(pending);

  const outcome = await settle(deps.enforce(pending, { env, config: config.config, now: deps.now }));
  const failure = !outcome.ok ? { error: outcome.error } : !outcome.value.ok ? outcome.value : null;
  if (failure !== null) {
    // Nothing was marked processed: every message carrying these events runs again (each step is idempotent).
    await settle(noteInboxFailure(env.DB, hashes, failure.error));
    const after = "retryAfterSeconds" in failure ? failure.retryAfterSeconds : undefined;
    for (const message of owners) retry(message, failure.error, after);
    return;
  }
  const marked = await settle(markInboxProcessed(env.DB, hashes, deps.now()));
  for (const message of owners) {
    if (marked.ok) message.ack();
    else retry(message, marked.error);
  }
}

function retry(message: Message<unknown>, error: string, retryAfterSeconds?: number): void {
  console.error(`queue message ${message.id} attempt ${message.attempts} failed: ${error}`);
  message.retry({ delaySeconds: retryAfterSeconds ?? retryDelaySeconds(message.attempts) });
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Turns a rejection into a value, so one failure decides its own messages' fate and nothing else. */
async function settle<T>(promise: Promise<T>): Promise<Result<T, string>> {
  try {
    return { ok: true, value: await promise };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

interface PreparedEvent {
  row: InboxRow;
  event: HubSpotEvent;
}

/**
 * Hashes and classifies every event of the batch. Duplicates (inside a message or across messages) collapse
 * into one row with `copies`; each distinct event is owned by the first message that carried it.
 */
function prepareBatch(decoded: Decoded[], config: Config) {
  const rows = new Map<string, PreparedEvent>();
  const owned = new Map<string, PreparedEvent[]>();
  for (const { message, body } of decoded) {
    const receivedDay = utcDay(body.receivedAt);
    const hashes = body.events.map((raw) => hashEvent(raw));
    const mine: PreparedEvent[] = [];
    for (const [i, raw] of body.events.entries()) {
      const hash = hashes[i] ?? "";
      const existing = rows.get(hash);
      if (existing) {
        existing.row.copies += 1;
        existing.row.countDeliveries &&= message.attempts <= 1;
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
          countDeliveries: message.attempts <= 1,
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
  return { rows, owned };
}

/** Why an event is accepted but not processed; null when it is processed. */
export function ignoreReason(event: HubSpotEvent, config: Pick<Config, "HUBSPOT_PORTAL_ID">): string | null {
  if (config.HUBSPOT_PORTAL_ID !== undefined && event.portalId !== config.HUBSPOT_PORTAL_ID) return "other_portal";
  if (!isDealEvent(event)) return "unhandled_type";
  return null;
}

function hashesOf(events: HubSpotEvent[]): string[] {
  return events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash]));
}

// The EVENTS queue consumer: stores each event in the inbox exactly once, then hands the still-unprocessed deal
// events to enforcement, with the same deals' earlier events still pending (join-pending.ts). A message is acked
// only when that work is done; failures retry with exponential delay.
// It never answers HubSpot (the ingress did) and never drops a message without a dead_letters row.
import type { EnforceDeps, EnforceOutcome } from "../../enforcement";
import { QueueMessageSchema, readConfig, type Env, type QueueMessage, type QueueMessageBody } from "../../env";
import type { HubSpotEvent } from "../../hubspot/events";
import type { Result } from "../../result";
import { recordDeadLetter } from "../../store/dead-letters";
import { markInboxProcessed, noteInboxFailure, storeInboxEvents } from "../../store/inbox";
import { deferMessage, type SendDelayed } from "./defer-message";
import { enforceDealByDeal, WAITING } from "./isolate-deals";
import { withPendingOfSameDeals } from "./join-pending";
import { hashesOf, prepareBatch, type Decoded, type PreparedEvent } from "./prepare-batch";

const RETRY_BASE_SECONDS = 2;
const RETRY_CAP_SECONDS = 15 * 60;

/** min(2^attempts × base, cap): 4 s, 8 s, 16 s … 15 min. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(1, attempts) * RETRY_BASE_SECONDS, RETRY_CAP_SECONDS);
}

export interface ConsumeDeps {
  enforce: (events: HubSpotEvent[], deps: EnforceDeps) => Promise<EnforceOutcome>;
  now: () => number;
  /** Re-sends a message with a delay (rate-limit waits); default: the EVENTS producer binding. */
  sendDelayed?: SendDelayed;
}

/**
 * Handles one batch from the EVENTS queue. The events of all its messages are stored together (a few D1 calls
 * of ~100 rows, not several per message); then the still-pending deal events of ALL its messages go to enforcement
 * in one run. Messages with nothing pending are acked at once; the others are acked when the run succeeds. When it
 * fails: a wait for HubSpot's rate budget re-sends each message with that delay (no retry spent, defer-message.ts);
 * any other failure re-runs the events deal by deal (isolate-deals.ts), so only the messages carrying a failing
 * deal's events are retried, with exponential backoff. A message whose events can't even be hashed is dead-lettered
 * alone. Never throws, and never lets a throw hand the whole batch back for an undelayed redelivery.
 */
export async function consumeEvents(batch: MessageBatch<unknown>, env: Env, deps: ConsumeDeps): Promise<void> {
  const decided = new Set<string>();
  const track = (m: Message<unknown>): Message<unknown> => ({
    id: m.id, timestamp: m.timestamp, body: m.body, attempts: m.attempts,
    ack: () => { decided.add(m.id); m.ack(); },
    retry: (o?: QueueRetryOptions) => { decided.add(m.id); m.retry(o); },
  });
  const tracked: MessageBatch<unknown> = {
    queue: batch.queue, metadata: batch.metadata, messages: batch.messages.map(track),
    ackAll: () => batch.ackAll(), retryAll: (o?: QueueRetryOptions) => batch.retryAll(o),
  };
  try {
    await consumeBatch(tracked, env, deps);
  } catch (err) {
    // A bug or an unexpected throw must not hand the whole batch back for an immediate, undelayed redelivery.
    for (const m of batch.messages) if (!decided.has(m.id)) retry(m, err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  }
}

async function consumeBatch(batch: MessageBatch<unknown>, env: Env, deps: ConsumeDeps): Promise<void> {
  const decoded = await decodeMessages(batch, env, deps);
  if (decoded.length === 0) return;

  const config = readConfig(env);
  if (!config.ok) {
    for (const d of decoded) retry(d.message, `configuration incomplete: ${config.problems.join("; ")}`);
    return;
  }
  const prepared = prepareBatch(decoded, config.config);
  for (const f of prepared.unreadable) {
    // Deterministic (the events themselves can't be read or hashed): retrying can't help. Recorded, then acked.
    const recorded = await settle(recordDeadLetter(env.DB, { id: f.message.id, queue: batch.queue, attempts: f.message.attempts, body: "{\"$notStored\":\"events could not be prepared\"}", error: f.error, failedAt: deps.now() }));
    if (recorded.ok) f.message.ack();
    else retry(f.message, recorded.error);
  }
  const stored = await settle(storeInboxEvents(env.DB, [...prepared.rows.values()].map((p) => p.row)));
  if (!stored.ok) {
    for (const d of decoded) retry(d.message, stored.error);
    return;
  }

  // One enforcement run over the whole batch: events of one deal spread over several messages are grouped
  // together (one history read per ≤50 deals per batch, not per message), and the batch costs one run's fixed overhead.
  const owners: Message<unknown>[] = [];
  const pending: HubSpotEvent[] = [];
  const bodies = new Map<string, QueueMessage>();
  for (const { message, body } of decoded) {
    if (!prepared.owned.has(message.id)) continue;
    bodies.set(message.id, body);
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

  const run = (events: HubSpotEvent[]) => deps.enforce(events, { env, config: config.config, now: deps.now });
  // The same deals' earlier events still waiting in the inbox (deferred, retried) are judged with these, in order.
  const joined = await settle(withPendingOfSameDeals(env.DB, pending));
  const all = joined.ok ? joined.value : { events: pending, joined: [] };
  const outcome = await settle(run(all.events));
  const failure = !outcome.ok ? { error: outcome.error } : !outcome.value.ok ? outcome.value : null;
  if (failure === null) {
    const marked = await settle(markInboxProcessed(env.DB, [...hashes, ...all.joined], deps.now()));
    for (const message of owners) {
      if (marked.ok) message.ack();
      else retry(message, marked.error);
    }
    return;
  }
  const send: SendDelayed = deps.sendDelayed ?? (async (body: QueueMessageBody, delaySeconds: number) => void (await env.EVENTS.send(body, { delaySeconds })));
  const after = "retryAfterSeconds" in failure ? failure.retryAfterSeconds : undefined;
  const failed: FailedRun = { pending, hashes, owners, owned: prepared.owned, bodies, error: failure.error, run, send, env, deps };
  if (after !== undefined) await settleBudgetWait(failed, after, "done" in failure ? (failure.done ?? []) : []);
  else await settleFailedRun(failed);
}

/** Parses each message's body; a malformed one is dead-lettered (retrying can't fix it) and left out. */
async function decodeMessages(batch: MessageBatch<unknown>, env: Env, deps: ConsumeDeps): Promise<Decoded[]> {
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
  return decoded;
}

interface FailedRun {
  pending: HubSpotEvent[];
  hashes: string[];
  owners: Message<unknown>[];
  owned: Map<string, PreparedEvent[]>;
  bodies: Map<string, QueueMessage>;
  error: string;
  run: (events: HubSpotEvent[]) => Promise<EnforceOutcome>;
  send: SendDelayed;
  env: Env;
  deps: ConsumeDeps;
}

/**
 * A wait for HubSpot's rate budget, not a failure: the messages are re-sent with the delay, no retry spent. The events
 * enforced all the same (`done`: the part the budget had room for) are processed; a message with nothing else is acked.
 */
async function settleBudgetWait(f: FailedRun, after: number, doneEvents: HubSpotEvent[]): Promise<void> {
  const { hashes, owners, bodies, env, deps } = f;
  const done = new Set(hashesOf(doneEvents));
  const marked = done.size === 0 ? null : await settle(markInboxProcessed(env.DB, [...done], deps.now()));
  const finished = (h: string) => marked?.ok === true && done.has(h);
  await settle(noteInboxFailure(env.DB, hashes.filter((h) => !finished(h)), f.error));
  const pendingHashes = new Set(hashes);
  for (const message of owners) {
    const mine = (f.owned.get(message.id) ?? []).map((p) => p.row.hash).filter((h) => pendingHashes.has(h));
    if (mine.every(finished)) message.ack();
    else await deferOrRetry(message, bodies, after, f.error, f.send);
  }
}

/**
 * After a failed run (not a rate-limit wait): one failing deal must not take the others with it, so the events are
 * re-run deal by deal and each message waits only for its own deals.
 */
async function settleFailedRun(f: FailedRun): Promise<void> {
  const { pending, hashes, owners, bodies, run, send, env, deps } = f;
  const failure = { error: f.error };
  const isolated = new Set(pending.map((e) => e.objectId)).size > 1 ? await enforceDealByDeal(pending, run) : null;
  const processed = new Set(isolated?.processed ?? []);
  const failed = isolated?.failed ?? new Map(hashes.map((h) => [h, failure.error] as const));
  const marked = await settle(markInboxProcessed(env.DB, [...processed], deps.now()));
  for (const [reason, group] of groupByReason(failed)) await settle(noteInboxFailure(env.DB, group, reason));
  const pendingHashes = new Set(hashes);
  for (const message of owners) {
    const mine = (f.owned.get(message.id) ?? []).map((p) => p.row.hash).filter((h) => pendingHashes.has(h));
    const unfinished = mine.filter((h) => !marked.ok || !processed.has(h));
    const wait = isolated?.retryAfterSeconds ?? null;
    if (unfinished.length === 0) message.ack();
    else if (wait !== null && unfinished.every((h) => failed.get(h) === WAITING)) await deferOrRetry(message, bodies, wait, failure.error, send);
    else retry(message, failed.get(unfinished.find((h) => failed.get(h) !== WAITING) ?? "") ?? failure.error);
  }
}

async function deferOrRetry(message: Message<unknown>, bodies: Map<string, QueueMessage>, after: number, error: string, send: SendDelayed): Promise<void> {
  const body = bodies.get(message.id);
  if (body !== undefined && (await deferMessage(message, body, after, send))) return;
  retry(message, error, after);
}

function groupByReason(failed: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [hash, reason] of failed) out.set(reason, [...(out.get(reason) ?? []), hash]);
  return out;
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

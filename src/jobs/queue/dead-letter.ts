// The dead-letter queue consumer: records every message it receives in dead_letters — whatever its body (events,
// junk text, bytes, values JSON can't hold, nesting no stack survives) — with the last error the main consumer
// noted on its inbox rows. It acks only after a row is written; it never drops a message without one.
import type { Env } from "../../env";
import { recordDeadLetter, type DeadLetter } from "../../store/dead-letters";
import { canonicalJson, hashEvent } from "../../store/event-hash";
import { listInboxFailures } from "../../store/inbox";

/** A queue message is at most 128 KB; this bound only keeps a pathological rendering under D1's 2 MB per value. */
const MAX_RECORDED_BODY_CHARS = 512 * 1024;

type BodyRead = { ok: true; value: unknown } | { ok: false; error: string };

/** Writes one dead_letters row per message, then acks; only a D1 failure retries the DLQ message. Never throws. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Env, now: () => number): Promise<void> {
  for (const message of batch.messages) {
    const body = readBody(message);
    const letter: DeadLetter = {
      id: message.id,
      queue: batch.queue,
      attempts: message.attempts,
      body: body.ok ? renderBody(body.value) : JSON.stringify({ $unreadable: body.error }),
      error: await describeFailure(body, env.DB),
      failedAt: now(),
    };
    if (await tryRecord(env.DB, letter)) {
      message.ack();
      continue;
    }
    // Maybe this body is what D1 refuses: keep the record without it rather than retry the same failure to the end.
    const bodyless = { ...letter, body: JSON.stringify({ $notStored: "the body could not be written", chars: letter.body.length }) };
    if (await tryRecord(env.DB, bodyless)) message.ack();
    else message.retry({ delaySeconds: 30 });
  }
}

async function tryRecord(db: D1Database, letter: DeadLetter): Promise<boolean> {
  try {
    await recordDeadLetter(db, letter);
    return true;
  } catch (err) {
    console.error(`could not record dead letter ${letter.id}`, err);
    return false;
  }
}

function readBody(message: Message<unknown>): BodyRead {
  try {
    return { ok: true, value: message.body };
  } catch (err) {
    return { ok: false, error: errorText(err) };
  }
}

async function describeFailure(body: BodyRead, db: D1Database): Promise<string> {
  if (!body.ok) return `malformed queue message: its body could not be read (${body.error})`;
  const events = eventsOf(body.value);
  if (events === null) return `malformed queue message (${shapeOf(body.value)}): not a batch of events`;
  try {
    const hashes = events.map((e) => hashEvent(e));
    const reasons = await listInboxFailures(db, hashes);
    return reasons.length > 0 ? reasons.join("; ") : "retries exhausted; no error was recorded (failed before storing)";
  } catch (err) {
    console.error("could not read the inbox errors of a dead letter", err);
    return `retries exhausted; its inbox errors could not be read (${errorText(err)})`;
  }
}

/** The events of an `{ kind: "events", events: [...] }` message, or null for any other shape. */
function eventsOf(value: unknown): Record<string, unknown>[] | null {
  if (!isRecord(value) || value.kind !== "events" || !Array.isArray(value.events)) return null;
  const events: unknown[] = value.events;
  return events.every(isRecord) ? events : null;
}

/**
 * The body as JSON text, whatever it is: bytes as base64, BigInt/Map/Set/cycles spelled out, and nesting deeper
 * than a replacer's recursion can follow written by the iterative canonical JSON. Never throws.
 */
export function renderBody(value: unknown): string {
  const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : ArrayBuffer.isView(value) ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : null;
  const attempts: Array<() => string | undefined> = [
    () => (bytes ? JSON.stringify({ $bytes: toBase64(bytes), byteLength: bytes.byteLength }) : undefined),
    () => JSON.stringify(value, spellOutReplacer()),
    () => canonicalJson(value),
  ];
  for (const attempt of attempts) {
    try {
      const text = attempt();
      if (text !== undefined) return bound(text);
    } catch {
      // Each rendering covers what the one before can't; the last resort below always succeeds.
    }
  }
  return JSON.stringify({ $unserialisable: shapeOf(value) });
}

function spellOutReplacer(): (key: string, v: unknown) => unknown {
  const seen = new WeakSet<object>();
  return function spellOut(_key, v) {
    if (typeof v === "bigint") return `${v}n`;
    if (v === undefined && _key === "") return { $undefined: true };
    if (typeof v !== "object" || v === null) return v;
    if (seen.has(v)) return "[circular or repeated reference]";
    seen.add(v);
    if (v instanceof Map) return { $map: [...v.entries()] };
    if (v instanceof Set) return { $set: [...v.values()] };
    if (v instanceof Error) return { $error: v.name, message: v.message };
    return v;
  };
}

function bound(text: string): string {
  return text.length <= MAX_RECORDED_BODY_CHARS ? text : `${text.slice(0, MAX_RECORDED_BODY_CHARS)}…[${text.length - MAX_RECORDED_BODY_CHARS} more characters not kept]`;
}

function shapeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `array of ${value.length}`;
  if (typeof value !== "object") return typeof value;
  return Object.prototype.toString.call(value).slice(8, -1);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

// Delivers a portal's webhook events: gathers them into batches (< 100), signs each attempt with v3, pushes
// them to the target URL or parks them in an outbox, and retries non-2xx/timeouts with attemptNumber increasing.
import type { WebhookConfig } from "../portal/config";
import type { Rng } from "../portal/rng";
import type { WebhookEvent } from "./events";
import { signedHeaders } from "./signing";
import type { DeliveryLogEntry, OutboxDelivery } from "./types";

export interface DispatcherDeps {
  config: () => WebhookConfig;
  clientSecret: string;
  rng: Rng;
  now: () => number;
  fetch?: typeof fetch;
}

interface Attempt {
  deliveryId: string;
  batchId: string;
  attemptNumber: number;
  dueAt: number;
  events: WebhookEvent[];
}

const LOG_LIMIT = 20_000;
/** An outbox nobody drains (e.g. `npm run sim` without --target) must not grow without bound. */
const OUTBOX_LIMIT = 10_000;

export class WebhookDispatcher {
  readonly log: DeliveryLogEntry[] = [];
  private pending: WebhookEvent[] = [];
  private ready: Attempt[] = [];
  private taken = new Map<string, Attempt>();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private inFlight = 0;
  private seq = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;
  private dropped = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Queues one event; a batch leaves after `flushMs`. */
  enqueue(event: WebhookEvent): void {
    if (this.closed || !this.deps.config().enabled) return;
    this.pending.push(event);
    if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => this.flush(), this.deps.config().flushMs);
    }
  }

  /** Turns every gathered event into batches now. */
  flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const cfg = this.deps.config();
    let events = this.pending;
    this.pending = [];
    if (cfg.outOfOrder) events = shuffle(events, this.deps.rng);
    const batches: WebhookEvent[][] = [];
    for (let i = 0; i < events.length; i += cfg.batchMax) batches.push(events.slice(i, i + cfg.batchMax));
    if (cfg.outOfOrder) batches.reverse();
    const now = this.deps.now();
    for (const batch of batches) {
      const batchId = `b${++this.seq}`;
      this.ready.push({ deliveryId: `${batchId}-0`, batchId, attemptNumber: 0, dueAt: now, events: batch });
      if (this.deps.rng.chance(cfg.duplicateRate)) {
        this.ready.push({ deliveryId: `${batchId}-0-dup`, batchId, attemptNumber: 0, dueAt: now, events: batch });
      }
    }
    if (cfg.mode === "outbox" && this.ready.length > OUTBOX_LIMIT) {
      this.dropped += this.ready.length - OUTBOX_LIMIT;
      this.ready.splice(0, this.ready.length - OUTBOX_LIMIT);
    }
    this.pump();
  }

  /** Outbox mode: hands out due (or, with includeScheduled, all) signed deliveries and marks them taken. */
  take(max = 1000, includeScheduled = false): OutboxDelivery[] {
    this.flush();
    const now = this.deps.now();
    const out: OutboxDelivery[] = [];
    const rest: Attempt[] = [];
    for (const attempt of this.ready) {
      if (out.length < max && (includeScheduled || attempt.dueAt <= now)) {
        this.taken.set(attempt.deliveryId, attempt);
        out.push(this.sign(attempt));
      } else rest.push(attempt);
    }
    this.ready = rest;
    this.notifyIdle();
    return out;
  }

  /** Outbox mode: records the engine's answer; non-2xx schedules the next attempt. Returns false for unknown ids. */
  report(deliveryId: string, status: number | null, error?: string): boolean {
    const attempt = this.taken.get(deliveryId);
    if (!attempt) return false;
    this.taken.delete(deliveryId);
    this.settle(attempt, "outbox", status, error, 0);
    return true;
  }

  /** Resolves when nothing is gathered, queued, in flight or awaiting a report (or after timeoutMs). */
  async waitForIdle(timeoutMs = 10_000): Promise<boolean> {
    if (this.isIdle()) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.isIdle()), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stats() {
    return { gathered: this.pending.length, queued: this.ready.length, inFlight: this.inFlight, awaitingReport: this.taken.size, logged: this.log.length, droppedFromOutbox: this.dropped };
  }

  clear(): void {
    this.pending = [];
    this.ready = [];
    this.taken.clear();
    this.log.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  close(): void {
    this.closed = true;
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.clear();
    this.notifyIdle(true);
  }

  private isIdle(): boolean {
    return this.pending.length === 0 && this.ready.length === 0 && this.inFlight === 0 && this.taken.size === 0 && this.timers.size === 0;
  }

  private notifyIdle(force = false): void {
    if (!force && !this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private sign(attempt: Attempt): OutboxDelivery {
    const cfg = this.deps.config();
    const events = attempt.events.map((e) => ({ ...e, attemptNumber: attempt.attemptNumber }));
    const body = JSON.stringify(events);
    const headers = signedHeaders(this.deps.clientSecret, "POST", cfg.url, body, this.deps.now());
    return { deliveryId: attempt.deliveryId, batchId: attempt.batchId, attemptNumber: attempt.attemptNumber, dueAt: attempt.dueAt, url: cfg.url, method: "POST", headers, body, events };
  }

  private pump(): void {
    const cfg = this.deps.config();
    if (cfg.mode !== "push" || this.closed) return;
    const now = this.deps.now();
    while (this.inFlight < cfg.concurrency) {
      const index = this.ready.findIndex((a) => a.dueAt <= now);
      if (index < 0) break;
      const [attempt] = this.ready.splice(index, 1);
      if (attempt) void this.push(attempt);
    }
    this.notifyIdle();
  }

  private async push(attempt: Attempt): Promise<void> {
    this.inFlight += 1;
    const request = this.sign(attempt);
    const started = this.deps.now();
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await (this.deps.fetch ?? fetch)(request.url, {
        method: "POST",
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(this.deps.config().timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    this.inFlight -= 1;
    if (!this.closed) this.settle(attempt, "push", status, error, this.deps.now() - started);
    this.pump();
  }

  private settle(attempt: Attempt, mode: "push" | "outbox", status: number | null, error: string | undefined, durationMs: number): void {
    const cfg = this.deps.config();
    const ok = status !== null && status >= 200 && status < 300;
    const entry: DeliveryLogEntry = {
      deliveryId: attempt.deliveryId, batchId: attempt.batchId, attemptNumber: attempt.attemptNumber, url: cfg.url,
      eventCount: attempt.events.length, eventIds: attempt.events.map((e) => e.eventId), mode, sentAt: this.deps.now() - durationMs,
      status, durationMs, ...(error !== undefined ? { error } : {}),
    };
    if (!ok && attempt.attemptNumber < cfg.maxRetries) {
      const delay = retryDelayMs(cfg, attempt.attemptNumber + 1, this.deps.rng);
      const next: Attempt = { ...attempt, attemptNumber: attempt.attemptNumber + 1, deliveryId: `${attempt.batchId}-${attempt.attemptNumber + 1}`, dueAt: this.deps.now() + delay };
      entry.retryAt = next.dueAt;
      this.schedule(next, delay, mode);
    }
    this.log.push(entry);
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
    this.notifyIdle();
  }

  private schedule(next: Attempt, delay: number, mode: "push" | "outbox"): void {
    if (mode === "outbox") {
      this.ready.push(next);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.ready.push(next);
      this.pump();
    }, delay);
    this.timers.add(timer);
  }
}

/** Compressed copy of HubSpot's schedule: exponential from retryBaseMs, ±20 % jitter (HubSpot randomises too). */
export function retryDelayMs(cfg: Pick<WebhookConfig, "retryBaseMs" | "retryFactor">, retryNumber: number, rng: Rng): number {
  const base = cfg.retryBaseMs * cfg.retryFactor ** (retryNumber - 1);
  return Math.round(base * (0.8 + 0.4 * rng.next()));
}

function shuffle<T>(items: T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const a = out[i];
    const b = out[j];
    if (a !== undefined && b !== undefined) {
      out[i] = b;
      out[j] = a;
    }
  }
  return out;
}

// The demo's past: N simulated weeks of rep activity played in seconds, every write stamped at its simulated time
// (history timestamps and webhook occurredAt), so the dashboard's trends and time-to-fix have weeks of data.
// Webhooks leave through the portal's normal dispatcher (batches < 100, ≤ `concurrency` requests in flight, signed
// at real time); the backfill waits for each simulated day's deliveries so it never floods the engine.
import type { Portal } from "../portal/portal";
import type { Rng } from "../portal/rng";
import { nextFixAt, playDueFixes } from "./fixes";
import type { MoveResult, ScenarioState } from "./moves";
import { playDemoStep } from "./step";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Business hours (UTC): reps work 08:00–18:00 on weekdays. */
const OPEN_HOUR = 8;
const CLOSE_HOUR = 18;
/** A day's deliveries should take milliseconds; an engine that doesn't answer must not stall the demo for long. */
const DAY_DELIVERY_TIMEOUT_MS = 15_000;

export interface BackfillOptions {
  weeks: number;
  /** Real now: the backfill covers [now − weeks, now). */
  now: number;
  /** Checked between simulated days; true stops the backfill early. */
  stopped?: () => boolean;
  onMove?: (move: MoveResult) => void;
}

export interface BackfillSummary {
  weeks: number;
  steps: number;
  fixes: number;
  /** Moves and fixes that changed a deal. */
  changes: number;
  /** Webhook requests sent (push mode) or queued in the outbox, and the events in them (push mode). */
  webhooks: number;
  events: number;
  /** False when some day's deliveries were still unanswered after the timeout. */
  delivered: boolean;
  from: number;
  to: number;
  /** Real time the backfill took (ms). */
  tookMs: number;
}

/** A rep's fix delay in simulated time: half within hours, most within days, a few after a week or more. */
export function backfillFixDelay(rng: Rng): number {
  const roll = rng.next();
  if (roll < 0.5) return rng.int(1, 6) * HOUR + rng.int(0, 59) * 60_000;
  if (roll < 0.85) return rng.int(1, 3) * DAY + rng.int(0, 8) * HOUR;
  return rng.int(4, 10) * DAY;
}

/** Moves a time into business hours (the next weekday morning when it falls outside them). */
export function toBusinessHours(at: number, rng: Rng): number {
  let t = at;
  for (let i = 0; i < 8; i++) {
    const d = new Date(t);
    const weekday = d.getUTCDay() !== 0 && d.getUTCDay() !== 6;
    const hour = d.getUTCHours();
    if (weekday && hour >= OPEN_HOUR && hour < CLOSE_HOUR) return t;
    const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    t = (hour < OPEN_HOUR && weekday ? day : day + DAY) + OPEN_HOUR * HOUR + rng.int(0, 90) * 60_000;
  }
  return t;
}

/** Step times of one day: several per weekday across all reps, rarely any at the weekend. Sorted. */
export function stepTimesOfDay(dayStart: number, rng: Rng): number[] {
  const weekday = new Date(dayStart).getUTCDay() % 6 !== 0;
  const count = weekday ? rng.int(8, 16) : rng.chance(0.3) ? rng.int(1, 2) : 0;
  const span = (CLOSE_HOUR - OPEN_HOUR) * HOUR;
  return Array.from({ length: count }, () => dayStart + OPEN_HOUR * HOUR + Math.floor(rng.next() * span)).sort((a, b) => a - b);
}

/** Plays the backfill on `portal`, continuing `state` (which the live phase then takes over). */
export async function runBackfill(portal: Portal, state: ScenarioState, opts: BackfillOptions): Promise<BackfillSummary> {
  const from = opts.now - opts.weeks * WEEK;
  const firstDay = Date.UTC(new Date(from).getUTCFullYear(), new Date(from).getUTCMonth(), new Date(from).getUTCDate());
  const liveFixDelay = state.fixDelay;
  state.fixDelay = (rng, urgent) => toBusinessHours(state.simNow + (urgent ? rng.int(20, 240) * 60_000 : backfillFixDelay(rng)), rng) - state.simNow;
  state.simNow = from;
  const started = performance.now();
  const logStart = portal.dispatcher.log.length;
  const queuedStart = portal.dispatcher.stats().queued;
  const summary: BackfillSummary = { weeks: opts.weeks, steps: 0, fixes: 0, changes: 0, webhooks: 0, events: 0, delivered: true, from, to: opts.now, tookMs: 0 };
  const count = (move: MoveResult) => {
    if (move.dealId === null) return;
    summary.changes += 1;
    if (move.kind === "fix") summary.fixes += 1;
    else summary.steps += 1;
    opts.onMove?.(move);
  };
  for (let day = firstDay; day < opts.now && opts.stopped?.() !== true; day += DAY) {
    for (const at of stepTimesOfDay(day, state.rng)) {
      if (at < from || at >= opts.now) continue;
      for (const fix of playDueFixes(portal, state, at)) count(fix);
      count(playDemoStep(portal, state, at));
    }
    const endOfDay = Math.min(day + DAY, opts.now);
    if (nextFixAt(state) < endOfDay) for (const fix of playDueFixes(portal, state, endOfDay - 1)) count(fix);
    if (!(await deliverDay(portal))) summary.delivered = false;
  }
  state.simNow = opts.now;
  state.fixDelay = liveFixDelay;
  const log = portal.dispatcher.log.slice(logStart).filter((e) => e.attemptNumber === 0 && e.mode === "push");
  summary.webhooks = portal.webhook.mode === "push" ? log.length : portal.dispatcher.stats().queued - queuedStart;
  summary.events = log.reduce((n, e) => n + e.eventCount, 0);
  summary.tookMs = Math.round(performance.now() - started);
  return summary;
}

/** Sends the day's gathered events now and, in push mode, waits until the engine has answered them. */
async function deliverDay(portal: Portal): Promise<boolean> {
  portal.dispatcher.flush();
  if (portal.webhook.mode !== "push" || !portal.webhook.enabled) return true;
  return portal.dispatcher.waitForIdle(DAY_DELIVERY_TIMEOUT_MS);
}

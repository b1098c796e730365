// Turns HubSpot's limit signals (429 policyName, X-HubSpot-RateLimit-* headers, 5xx) into "retry after N s".
// Never sleeps: the queue consumer re-queues the message with this delay.
import { FALLBACK_TIME_ZONE, nextZonedMidnight } from "../policy/zoned-time";
import type { HubSpotError } from "./errors";

export interface RateLimitSnapshot {
  max: number | null;
  remaining: number | null;
  intervalMs: number | null;
  dailyRemaining: number | null;
}

function readInt(headers: Record<string, string>, name: string): number | null {
  const raw = headers[name] ?? headers[name.toLowerCase()];
  if (raw === undefined) return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

export function readRateLimitHeaders(headers: Record<string, string>): RateLimitSnapshot {
  return {
    max: readInt(headers, "x-hubspot-ratelimit-max"),
    remaining: readInt(headers, "x-hubspot-ratelimit-remaining"),
    intervalMs: readInt(headers, "x-hubspot-ratelimit-interval-milliseconds"),
    dailyRemaining: readInt(headers, "x-hubspot-ratelimit-daily-remaining"),
  };
}

/**
 * Seconds until the next midnight in the portal's time zone, plus a minute's margin: HubSpot's daily limit "resets at
 * midnight based on the time zone setting of the HubSpot account" (developers.hubspot.com/apisbytier).
 */
function secondsUntilDailyReset(now: number, timeZone: string): number {
  return Math.ceil((nextZonedMidnight(now, timeZone) - now) / 1000) + 60;
}

/** Upper bound Cloudflare Queues accepts for delaySeconds (12 h). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/**
 * How long to wait before retrying work that failed with `error`, or null when retrying won't help.
 * `attempt` is the queue message's attempt count (1-based), used for exponential backoff on outages; `timeZone` is the
 * portal's (a DAILY 429 waits for its midnight; UTC when unknown).
 */
export function retryDelaySeconds(error: HubSpotError, attempt: number, now: number, timeZone: string = FALLBACK_TIME_ZONE): number | null {
  switch (error.kind) {
    case "rate-limited": {
      if (error.policy === "DAILY") return Math.min(MAX_QUEUE_DELAY_SECONDS, secondsUntilDailyReset(now, timeZone));
      const snapshot = readRateLimitHeaders(error.headers);
      const windowSeconds = Math.ceil((snapshot.intervalMs ?? 10_000) / 1000);
      // A rolling window frees capacity gradually; one window plus jitter avoids a thundering herd of isolates.
      return windowSeconds + jitterSeconds(attempt);
    }
    case "unavailable":
    case "unauthorized":
      return Math.min(300, 2 ** Math.min(attempt, 8)) + jitterSeconds(attempt);
    case "not-found":
    case "validation":
    case "unexpected":
      return null;
  }
}

function jitterSeconds(attempt: number): number {
  // Deterministic enough for tests, spread enough for many messages: 0..2 s.
  return (attempt * 7919) % 3;
}

// Calendar arithmetic in the portal's time zone (IANA name, from HubSpot's account info): where a day starts, the
// next midnight, a wall-clock time on another date. Pure; Intl does the zone rules (DST included), no dependency.

const DAY_MS = 86_400_000;

/** The zone used when the portal's is unknown (or not a zone this runtime knows). */
export const FALLBACK_TIME_ZONE = "UTC";

export interface ZonedParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether this runtime knows `timeZone` (an IANA name such as "America/Los_Angeles" or "US/Eastern"). */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === "") return false;
  try {
    formatter(timeZone);
    return true;
  } catch (error) {
    void error; // RangeError: not a zone; the caller falls back
    return false;
  }
}

/** The zone to compute in: `timeZone` when known, UTC otherwise. */
export function usableTimeZone(timeZone: string | null | undefined): string {
  return typeof timeZone === "string" && isKnownTimeZone(timeZone) ? timeZone : FALLBACK_TIME_ZONE;
}

/** The wall-clock reading of the instant `ms` in `timeZone`. */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(ms)) if (p.type !== "literal") out[p.type] = Number(p.value);
  const millisecond = ((ms % 1000) + 1000) % 1000;
  return { year: out.year ?? 1970, month: out.month ?? 1, day: out.day ?? 1, hour: (out.hour ?? 0) % 24, minute: out.minute ?? 0, second: out.second ?? 0, millisecond };
}

/** Milliseconds the zone's wall clock is ahead of UTC at the instant `ms` (negative west of UTC). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond) - ms;
}

/**
 * The instant the zone's wall clock reads this date and time. Date parts may overflow (day 32 → next month). A time
 * that doesn't exist (skipped by a DST change) lands after the gap; one that occurs twice resolves to the first.
 */
export function zonedInstant(p: ZonedParts, timeZone: string): number {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  const before = wall - zoneOffsetMs(wall - DAY_MS / 2, timeZone);
  const after = wall - zoneOffsetMs(wall + DAY_MS / 2, timeZone);
  // Try both offsets in force around that wall time; keep the earliest that reads back as the wall time.
  const exact = [before, after].filter((t) => t + zoneOffsetMs(t, timeZone) === wall).sort((a, b) => a - b)[0];
  if (exact !== undefined) return exact;
  // In a DST gap: the wall time never happens; take the instant right after the gap (same as moving the clock on).
  return Math.max(before, after);
}

/** The first instant of the zone's calendar day that contains `ms`. */
export function startOfZonedDay(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return startOfDate(p.year, p.month, p.day, timeZone);
}

/** The first instant of the zone's next calendar day after the one containing `ms`. */
export function nextZonedMidnight(ms: number, timeZone: string): number {
  const p = zonedParts(ms, timeZone);
  return startOfDate(p.year, p.month, p.day + 1, timeZone);
}

function startOfDate(year: number, month: number, day: number, timeZone: string): number {
  const t = zonedInstant({ year, month, day, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
  // Where midnight itself is skipped by DST (e.g. America/Santiago), the day starts when the clock jumps: `t` is then
  // after the gap already. Guard against landing on the previous day's evening.
  const back = zonedParts(t, timeZone);
  return Date.UTC(back.year, back.month - 1, back.day) < Date.UTC(year, month - 1, day) ? t + DAY_MS - msOfDay(back) : t;
}

function msOfDay(p: ZonedParts): number {
  return ((p.hour * 60 + p.minute) * 60 + p.second) * 1000 + p.millisecond;
}

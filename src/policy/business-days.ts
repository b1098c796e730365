// Task due dates: N business days (Mon–Fri in the portal's time zone) after a moment. Pure — the moment and the zone
// are passed in.
import { FALLBACK_TIME_ZONE, zonedInstant, zonedParts } from "./zoned-time";

const DAY_MS = 86_400_000;

/**
 * Returns epoch ms `days` business days after `fromMs`, at the same wall-clock time in `timeZone` (default UTC);
 * Saturdays and Sundays of that zone are skipped, and a DST change in between doesn't shift the hour. 0 → fromMs.
 */
export function addBusinessDays(fromMs: number, days: number, timeZone: string = FALLBACK_TIME_ZONE): number {
  let left = Math.max(0, Math.floor(days));
  if (left === 0 || !Number.isFinite(fromMs)) return fromMs;
  const wall = zonedParts(fromMs, timeZone);
  // Walk the zone's calendar (a UTC date stands for the local date: weekdays don't depend on the zone).
  let date = Date.UTC(wall.year, wall.month - 1, wall.day);
  while (left > 0) {
    date += DAY_MS;
    const weekday = new Date(date).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  const d = new Date(date);
  return zonedInstant({ ...wall, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }, timeZone);
}

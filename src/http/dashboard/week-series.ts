// Weekly series for charts: every week of the window shown (zeros included), and the current week marked as still
// in progress so a half-finished week is not read as a drop.
import { weekStartOf, weeksOf } from "../../store/summary-query";

export const IN_PROGRESS = "in progress";

/** Rows for every week overlapping [from, to), taking existing rows and filling the gaps with `zero(week)`. */
export function fillWeeks<T extends { week: string }>(rows: readonly T[], window: { from: number; to: number }, zero: (week: string) => T): T[] {
  const byWeek = new Map(rows.map((r) => [r.week, r]));
  return weeksOf(window.from, window.to).map((week) => byWeek.get(week) ?? zero(week));
}

/** "in progress" for the week containing `now`, else undefined. */
export function weekNote(week: string, now: number): string | undefined {
  return week === weekStartOf(now) ? IN_PROGRESS : undefined;
}

/** "Nov 30" or "Nov 30 (in progress)". */
export function weekLabel(week: string, now: number): string {
  const d = new Date(`${week}T00:00:00Z`);
  const text = `${d.toLocaleString("en-US", { month: "short", timeZone: "UTC" })} ${d.getUTCDate()}`;
  return weekNote(week, now) ? `${text} (${IN_PROGRESS})` : text;
}

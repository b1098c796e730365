// Task due dates: N business days (Mon–Fri, UTC) after a moment. Pure — the moment is passed in.

const DAY_MS = 86_400_000;

/** Returns epoch ms `days` business days after `fromMs` (same time of day); weekends are skipped. 0 → fromMs. */
export function addBusinessDays(fromMs: number, days: number): number {
  let at = fromMs;
  let left = Math.max(0, Math.floor(days));
  while (left > 0) {
    at += DAY_MS;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return at;
}

// The back-test of each recent change of a policy, on the weeks before it: the version against the one before it,
// over the engine's recorded history of those weeks, summed over the policy's rules. Admins only (it replays history).
import type { PolicyVersionItem } from "../../store/policy-versions";
import { runDashboardBacktest } from "../api/backtest-run";
import { WEEKS_BEFORE_CHANGE, type ChangeBacktest } from "./policy-history";

const DAY = 86_400_000;
/** How many of the latest changes a policy page back-tests inline (the rest link to the back-test page). */
const INLINE_CHANGES = 3;

/** Version id → the difference it made for `policyId`'s rules; versions whose sets don't compile are left out. */
export async function backtestRecentChanges(db: D1Database, policyId: string, versions: PolicyVersionItem[]): Promise<Map<string, ChangeBacktest>> {
  const out = new Map<string, ChangeBacktest>();
  for (const v of versions.filter((x) => x.previousId !== null).slice(0, INLINE_CHANGES)) {
    const to = Math.floor(Date.parse(v.firstRunAt) / DAY) * DAY + DAY;
    const run = await runDashboardBacktest(db, { kind: "version", id: v.id }, { from: to - WEEKS_BEFORE_CHANGE * 7 * DAY, to });
    if (!run.ok) continue;
    const rows = (run.value.result.diff ?? []).filter((d) => d.policyId === policyId);
    out.set(v.id, {
      newHits: rows.reduce((n, d) => n + d.newHits, 0),
      goneHits: rows.reduce((n, d) => n + d.goneHits, 0),
      changedActions: rows.reduce((n, d) => n + d.changedActions, 0),
    });
  }
  return out;
}

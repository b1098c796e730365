// The cron's rule scan: a few pages of the scheduled scan of open deals per tick (src/enforcement/scan.ts), resuming
// from the cursor where the last tick stopped. Waiting for the rate budget or for another run is normal (the next
// tick goes on); a HubSpot failure or policies that don't compile are reported as the job's failure.
import type { Config, Env } from "../../env";
import { scanOpenDeals, type ScanReport } from "../../enforcement/scan";

export async function runRuleScan(env: Env, config: Config, now: number): Promise<ScanReport> {
  const report = await scanOpenDeals({ env, config, now });
  const waiting = report.retryAfterSeconds !== undefined || report.stopped === "another scan is running";
  if (report.stopped !== null && !waiting) throw new Error(`rule scan stopped: ${report.stopped}`);
  return report;
}

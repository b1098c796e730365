// `npm run ops -- sync-governance-properties [--restart]`: writes the current governance values of every deal with an
// open violation or a stale value, 100 deals per page, within HubSpot's rate limits (a 429 waits and goes on);
// resumable — the cursor is kept in D1, so an interrupted run continues where it stopped (--restart starts over).
import { syncGovernance } from "../../src/jobs/cron/governance-sync";
import type { OpsCommand } from "./command";
import { WranglerD1 } from "./wrangler-d1";

const RETRY = /retry in (\d+) s/;

export const syncGovernanceProperties: OpsCommand = {
  usesHubSpot: true,
  name: "sync-governance-properties",
  summary: "backfill/repair the governance_* values on every deal with an open violation or a stale value (resumable)",
  options: ["--restart   start from the first deal instead of resuming"],
  async run(target, args, io) {
    const db = new WranglerD1(target.d1).asD1();
    let restart = args.includes("--restart");
    let checked = 0;
    let written = 0;
    let repaired = 0;
    for (;;) {
      const result = await syncGovernance(db, target.hubspot, { job: "sync", maxPages: 1, now: Date.now(), restart });
      restart = false;
      if (!result.ok) {
        const wait = RETRY.exec(result.error)?.[1];
        if (wait === undefined) {
          io.err(`✗ stopped after ${checked} deals: ${result.error}\n  run the command again to resume`);
          return 1;
        }
        io.out(`  rate limit: waiting ${wait} s`);
        await new Promise((r) => setTimeout(r, Number(wait) * 1000));
        continue;
      }
      checked += result.value.checked;
      written += result.value.written;
      repaired += result.value.repaired.length;
      for (const r of result.value.repaired) io.out(`  repaired deal ${r.dealId}: ${r.property} was "${r.foundValue ?? ""}", now "${r.restoredValue ?? ""}"`);
      if (result.value.complete) break;
      io.out(`  ${checked} deals checked, ${written} written`);
    }
    io.out(`✓ ${checked} deals checked, ${written} written, ${repaired} hand edits put back`);
    return 0;
  },
};

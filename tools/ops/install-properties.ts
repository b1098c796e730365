// `npm run ops -- install-properties`: creates the deal property group and the governance properties (idempotent:
// existing ones are kept) and records in D1 that they exist, so the engine writes them from its next run.
import { governancePortalKey } from "../../src/enforcement/read-governance";
import { createHubSpotClient } from "../../src/hubspot/client";
import { describeError } from "../../src/hubspot/errors";
import { installGovernanceProperties } from "../../src/hubspot/governance-properties";
import { setInstallStateStatement } from "../../src/store/governance";
import type { OpsCommand } from "./command";
import { WranglerD1 } from "./wrangler-d1";

export const installProperties: OpsCommand = {
  usesHubSpot: true,
  name: "install-properties",
  summary: "create the deal property group and the governance_* properties (needs the crm.schemas.deals.write scope)",
  async run(target, _args, io) {
    const client = createHubSpotClient({ accessToken: target.hubspot.HUBSPOT_ACCESS_TOKEN, basePath: target.hubspot.HUBSPOT_BASE_URL });
    const outcome = await installGovernanceProperties(client);
    const db = new WranglerD1(target.d1).asD1();
    const key = governancePortalKey(target.hubspot);
    if (!outcome.ok) {
      io.err(`✗ ${outcome.refused ? outcome.message : `HubSpot failed: ${describeError(outcome.error)}`}`);
      if (outcome.refused) await setInstallStateStatement(db, key, { status: "refused", detail: outcome.message, checkedAt: Date.now() }).run();
      return 1;
    }
    await setInstallStateStatement(db, key, { status: "installed", detail: outcome.created.length === 0 ? "found" : `created ${outcome.created.join(", ")}`, checkedAt: Date.now() }).run();
    for (const name of outcome.created) io.out(`  created  ${name}`);
    for (const name of outcome.existing) io.out(`  exists   ${name}`);
    io.out(`✓ governance properties in place (${outcome.created.length} created, ${outcome.existing.length} already there)`);
    return 0;
  },
};

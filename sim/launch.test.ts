// The default portal `npm run sim` / `npm start` use: documented credentials, seeded owners and teams.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SimClient } from "./client";
import { launchSimulator, SIM_DEFAULTS, type LaunchedSimulator } from "./launch";

let launched: LaunchedSimulator;

beforeAll(async () => {
  launched = await launchSimulator({ ...SIM_DEFAULTS, port: 0, seed: 1, seedDeals: 4 });
});
afterAll(async () => {
  await launched.close();
});

describe("default portal", () => {
  it("answers the CRM API with the documented token and seeds owners, teams and deals", async () => {
    const res = await fetch(`${launched.sim.url}/crm/v3/owners`, { headers: { authorization: "Bearer sim-token" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(6);
    const portal = await new SimClient(launched.sim.url).portal(SIM_DEFAULTS.portalId);
    expect(portal.info).toMatchObject({ portalId: 62515, accessToken: "sim-token", clientSecret: "sim-client-secret", appId: "9393361", webhook: { mode: "outbox" } });
    expect(await portal.listDeals()).toHaveLength(4);
    const { managerMap } = await portal.teams();
    expect(Object.keys(managerMap)).toHaveLength(4);
  });
});

describe("a persisted default portal (what npm start keeps beside its local D1)", () => {
  it("continues after a restart: same owners, deals kept, new deal ids carry on instead of restarting", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dg-launch-persist-"));
    const persist = path.join(dir, "portal.json");
    try {
      const first = await launchSimulator({ ...SIM_DEFAULTS, port: 0, seed: 7, seedDeals: 3, persist });
      const before = await new SimClient(first.sim.url).portal(SIM_DEFAULTS.portalId);
      const made = await before.createDeal({ properties: { dealname: "Before restart", dealstage: "appointmentscheduled" } });
      const ownersBefore = first.portal.store.owners;
      await first.close();

      const second = await launchSimulator({ ...SIM_DEFAULTS, port: 0, seed: 7, seedDeals: 3, persist });
      try {
        expect(second.loadedFromFile).toBe(true);
        expect(second.portal.store.owners).toEqual(ownersBefore);
        const after = await new SimClient(second.sim.url).portal(SIM_DEFAULTS.portalId);
        const deals = await after.listDeals();
        expect(deals).toHaveLength(4);
        const next = await after.createDeal({ properties: { dealname: "After restart", dealstage: "appointmentscheduled" } });
        expect(BigInt(next.id)).toBeGreaterThan(BigInt(made.id));
        expect(deals.map((d) => d.id)).not.toContain(next.id);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

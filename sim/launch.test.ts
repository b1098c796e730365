// The default portal `npm run sim` / `npm start` use: documented credentials, seeded owners and teams.
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

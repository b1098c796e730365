// Drift of HubSpot's native rules, checked by the cron job against the simulator: stored, shown on the overview and
// in /healthz; and the policy page's coverage view.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { SimClient, type SimPortal } from "../../../sim/client";
import { readConfig, type Config, type Env } from "../../../src/env";
import { checkNativeDrift } from "../../../src/jobs/cron/native-drift";
import { createApp } from "../../../src/app";
import { NATIVE_GATES_POLICY } from "../../fixtures/native-policies";
import { call, createToken, signIn } from "../api/fixtures";
import { SIM_PROPERTIES } from "../enforcement/harness";
import { applyNativeRules } from "./native-setup";

let portal: SimPortal;
let portalEnv: Env;
let config: Config;
const deps = { policyFiles: [{ path: "policies/native-gates.yaml", text: NATIVE_GATES_POLICY }], properties: SIM_PROPERTIES };

beforeAll(async () => {
  portal = await new SimClient(env.SIM_URL).createPortal();
  await portal.seed({ pipelines: "default", teams: 1, ownersPerTeam: 2, deals: 0 });
  portalEnv = { ...env, ...portal.engineEnv() };
  const parsed = readConfig(portalEnv);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  config = parsed.config;
}, 30_000);

async function healthNative(): Promise<unknown> {
  const res = await createApp().fetch(new Request("https://gov.example.com/healthz"), portalEnv);
  return ((await res.json()) as { native?: unknown }).native;
}

describe("native drift", () => {
  it("is 'unused' without touching HubSpot when no rule opts in", async () => {
    await portal.clearCalls();
    const drift = await checkNativeDrift(portalEnv, config, Date.now());
    expect(drift.status).toBe("unused");
    expect(await portal.calls()).toEqual([]);
  });

  it("finds the rules HubSpot lacks, shows them on the overview and in /healthz, and is clean once applied", async () => {
    const before = await checkNativeDrift(portalEnv, config, Date.now(), deps);
    expect(before).toMatchObject({ status: "drift", differences: 2 });
    expect(before.lines.map((l) => l.what)).toEqual(["no skipping stages", "approval gate"]);
    expect(await healthNative()).toMatchObject({ status: "drift", differences: 2 });
    const cookie = await signIn(await createToken({ role: "admin" }));
    const page = await (await call("/dashboard", { cookie })).text();
    expect(page).toContain('id="native-drift"');
    expect(page).toContain("differ from the policies in 2 places");

    await applyNativeRules(portal, NATIVE_GATES_POLICY);
    const after = await checkNativeDrift(portalEnv, config, Date.now(), deps);
    expect(after).toMatchObject({ status: "in-sync", differences: 0 });
    expect(await healthNative()).toMatchObject({ status: "in-sync", differences: 0 });
    expect(await (await call("/dashboard", { cookie })).text()).toContain("in sync");
  });

  it("stores a HubSpot failure as an error, not a crash", async () => {
    await portal.setKnobs({ faults: { script: [{ status: 503, count: 1, pathIncludes: "/pipelines-rules/" }] } });
    const drift = await checkNativeDrift(portalEnv, config, Date.now(), deps);
    expect(drift.status).toBe("error");
    expect(drift.error).toContain("unavailable (503)");
  });
});

describe("the policy page's coverage view", () => {
  it("shows, per change source, who enforces each rule of the policy", async () => {
    const cookie = await signIn(await createToken({ role: "admin" }));
    const page = await (await call("/dashboard/policies/stage-discipline", { cookie })).text();
    expect(page).toContain("Who enforces each rule");
    for (const source of ["CRM UI", "Bulk edit", "Import", "Workflow", "API with a user id", "API without a user id", "Integration (app)", "Super admin (any tool)"]) expect(page).toContain(source);
    // Shipped rules are audit-mode engine rules; no-stage-skipping exempts imports.
    expect(page).toContain('data-cell="engine-audit"');
    expect(page).toContain('data-cell="not-checked"');
    expect(page).not.toContain('data-cell="hubspot"');
  });
});

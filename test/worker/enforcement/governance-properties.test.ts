// Governance properties on deals, against the simulator: created once, written in the run that records a violation
// or its fix and only when a value changes, the engine's own writes never evaluated, a hand edit put back (by the
// webhook when a portal subscribes, by the cron when it doesn't), and a token without the scope refused clearly.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type Config, type Env } from "../../../src/env";
import { createHubSpotClient } from "../../../src/hubspot/client";
import { installGovernanceProperties } from "../../../src/hubspot/governance-properties";
import { runGovernanceRepair } from "../../../src/jobs/cron/governance-sync";
import { SimClient, type CallRecord } from "../../../sim/client";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

function configOf(e: Env): Config {
  const parsed = parseConfig(e);
  if (!parsed.ok) throw new Error(parsed.problems.join("; "));
  return parsed.config;
}

const governanceWrites = (calls: CallRecord[]) =>
  calls.filter((c) => c.method === "POST" && c.path.includes("/objects/deals/batch/update") && JSON.stringify(c.body).includes("governance_status"));

async function newDeal(props: Record<string, string> = {}) {
  const owner = h.seed.owners[0];
  if (owner === undefined) throw new Error("seed has no owners");
  const deal = await h.portal.createDeal({
    properties: { dealname: "Globex expansion", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, ...props },
    as: { kind: "user", ownerId: owner.id },
  });
  await h.drain();
  return { deal, owner };
}

describe("governance properties", () => {
  it("creates the group and the five properties once, on the first run", async () => {
    await h.portal.clearCalls();
    await newDeal();
    const creates = (await h.portal.calls({ method: "POST", pathIncludes: "/crm/v3/properties/deals" })).map((c) => c.path);
    expect(creates).toEqual(["/crm/v3/properties/deals/groups", ...Array.from({ length: 5 }, () => "/crm/v3/properties/deals")]);
    const res = await fetch(`${h.portal.engineEnv().HUBSPOT_BASE_URL}/crm/v3/properties/deals/governance_status`, { headers: { authorization: `Bearer ${h.portal.info.accessToken}` } });
    const prop = (await res.json()) as { groupName: string; type: string; fieldType: string; options: Array<{ value: string; label: string }> };
    expect(prop).toMatchObject({ groupName: "deal_governance", type: "enumeration", fieldType: "select" });
    expect(prop.options.map((o) => o.value)).toEqual(["compliant", "open_violation", "reverted", "exception"]);

    await h.portal.clearCalls();
    await newDeal();
    expect(await h.portal.calls({ method: "POST", pathIncludes: "/crm/v3/properties/" })).toEqual([]);
    // Installing again by hand finds everything in place (409 → existing), creates nothing.
    const again = await installGovernanceProperties(createHubSpotClient({ accessToken: h.portal.info.accessToken, basePath: h.portal.engineEnv().HUBSPOT_BASE_URL }));
    expect(again).toMatchObject({ ok: true, created: [], existing: expect.arrayContaining(["group deal_governance", "governance_status", "governance_last_checked_at"]) });
  });

  it("writes the status in the run that records the violation and its fix, and only when a value changes", async () => {
    const { deal, owner } = await newDeal();
    // A deal that never broke a rule costs no call of its own: its first "compliant" comes with the next write or the cron.
    expect((await h.portal.getDeal(deal.id)).properties.governance_status).toBeUndefined();

    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await h.portal.clearCalls();
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    const open = (await h.portal.getDeal(deal.id)).properties;
    expect(open).toMatchObject({ governance_status: "open_violation", governance_open_violations: "1" });
    expect(open.governance_open_rules).toMatch(/^Fill amount/i);
    expect(Date.parse(open.governance_last_violation_at ?? "")).toBeGreaterThan(0);
    expect(governanceWrites(await h.portal.calls())).toHaveLength(1);

    // A change that leaves the governance values as they are writes nothing.
    await h.portal.clearCalls();
    await h.portal.updateDeal(deal.id, { description: "Call on Monday" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect(governanceWrites(await h.portal.calls())).toEqual([]);

    await h.portal.updateDeal(deal.id, { amount: "12000", closedate: String(Date.now() + 20 * 86_400_000) }, { kind: "user", ownerId: owner.id });
    await h.drain();
    const fixed = (await h.portal.getDeal(deal.id)).properties;
    expect(fixed).toMatchObject({ governance_status: "compliant", governance_open_violations: "0", governance_open_rules: "" });
    expect(fixed.governance_last_violation_at).toBe(open.governance_last_violation_at);
  });

  it("marks a reverted stage skip as reverted, and its echo is never evaluated", async () => {
    const { deal, owner } = await newDeal({ amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) });
    await h.portal.clearCalls();
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties).toMatchObject({ dealstage: "appointmentscheduled", governance_status: "reverted", governance_open_violations: "0" });
    // One call: the governance values ride in the revert's batch update.
    const updates = await h.portal.calls({ pathIncludes: "/objects/deals/" });
    expect(updates.filter((c) => c.method !== "GET" && !c.path.includes("/batch/read")).map((c) => [c.method, c.path, (c.body as { inputs?: Array<{ properties: Record<string, string> }> }).inputs?.map((i) => Object.keys(i.properties).sort())])).toEqual([
      ["POST", "/crm/v3/objects/deals/batch/update", [["dealstage", "governance_last_checked_at", "governance_last_violation_at", "governance_open_rules", "governance_open_violations", "governance_status"]]],
    ]);
    // The simulator subscribes to every writable property: the governance writes came back as the engine's echoes.
    const echoes = await rows<{ status: string; status_reason: string }>("SELECT status, status_reason FROM inbox_events WHERE object_id = ? AND property_name LIKE 'governance_%'", deal.id);
    expect(echoes.length).toBeGreaterThan(0);
    expect(echoes.every((e) => e.status === "ignored" && e.status_reason === "engine echo (own write)")).toBe(true);
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toHaveLength(1);
  });

  it("a run's first 'compliant' values fill the reverts' batch update, never into a second call", async () => {
    const owner = h.seed.owners[0];
    if (owner === undefined) throw new Error("seed has no owners");
    const as = { kind: "user" as const, ownerId: owner.id };
    const props = { pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) };
    // 99 deals that move by the book (their first "compliant" only rides along) and one that skips a stage (reverted).
    const deals = await Promise.all(Array.from({ length: 100 }, (_, i) => h.portal.createDeal({ properties: { dealname: `Ride ${i}`, ...props }, as })));
    await h.drain();
    const [skipper, ...compliant] = deals;
    if (skipper === undefined) throw new Error("no deals");
    await h.portal.clearCalls();
    for (const d of compliant) await h.portal.moveStage(d.id, "qualifiedtobuy", { as });
    await h.portal.moveStage(skipper.id, "presentationscheduled", { as });
    const report = await h.drain();
    expect(report.deferred + report.retries).toBe(0);
    // One batch update: the revert and 99 riders, one input per deal (the reverted deal's values merge into its revert's).
    const writes = (await h.portal.calls({ pathIncludes: "/objects/deals/" })).filter((c) => c.method !== "GET" && !c.path.includes("/batch/read"));
    expect(writes.map((c) => [c.path, (c.body as { inputs?: unknown[] }).inputs?.length])).toEqual([["/crm/v3/objects/deals/batch/update", 100]]);
    expect((await h.portal.getDeal(skipper.id)).properties).toMatchObject({ dealstage: "appointmentscheduled", governance_status: "reverted" });
    expect((await h.portal.getDeal(compliant[0]?.id ?? "")).properties.governance_status).toBe("compliant");
  }, 60_000);

  it("puts back a hand edit that arrives by webhook, records it, and never treats it as a rep's change", async () => {
    const { deal, owner } = await newDeal();
    await h.portal.updateDeal(deal.id, { governance_status: "exception" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties.governance_status).toBe("compliant");
    const repairs = await rows<{ property: string; found_value: string; restored_value: string; found_by: string }>("SELECT property, found_value, restored_value, found_by FROM governance_repairs WHERE deal_id = ?", deal.id);
    expect(repairs).toEqual([{ property: "governance_status", found_value: "exception", restored_value: "compliant", found_by: "webhook" }]);
    const inbox = await rows<{ status: string; status_reason: string }>("SELECT status, status_reason FROM inbox_events WHERE object_id = ? AND property_name = 'governance_status' AND status_reason NOT LIKE 'engine echo%'", deal.id);
    expect(inbox).toEqual([{ status: "ignored", status_reason: "governance property edited outside the engine (put back)" }]);
    expect(await rows("SELECT id FROM violations WHERE deal_id = ?", deal.id)).toEqual([]);
  });

  it("the cron puts back a hand edit HubSpot sent no webhook for, and records it", async () => {
    const { deal, owner } = await newDeal();
    await h.portal.setKnobs({ webhook: { subscribedProperties: ["dealstage", "pipeline", "amount", "closedate", "dealname", "hubspot_owner_id", "description"] } });
    try {
      await h.portal.updateDeal(deal.id, { governance_open_violations: "7" }, { kind: "user", ownerId: owner.id });
      await h.drain();
      expect((await h.portal.getDeal(deal.id)).properties.governance_open_violations).toBe("7");
      // Enough cron runs to come round to this deal from wherever the rotating cursor stands.
      for (let i = 0; i < 3; i++) await runGovernanceRepair(h.env.DB, configOf(h.env), Date.now());
      expect((await h.portal.getDeal(deal.id)).properties.governance_open_violations).toBe("0");
      const repairs = await rows<{ property: string; found_value: string; found_by: string }>("SELECT property, found_value, found_by FROM governance_repairs WHERE deal_id = ?", deal.id);
      expect(repairs).toEqual([{ property: "governance_open_violations", found_value: "7", found_by: "cron" }]);
    } finally {
      await h.portal.setKnobs({ webhook: { subscribedProperties: "*" } });
    }
  });
});

describe("a token without crm.schemas.deals.write", () => {
  it("is refused clearly, and enforcement goes on without the properties", async () => {
    const portal = await new SimClient(env.SIM_URL).createPortal({ missingScopes: ["crm.schemas.deals.write"] });
    const client = createHubSpotClient({ accessToken: portal.info.accessToken, basePath: portal.engineEnv().HUBSPOT_BASE_URL });
    const refused = await installGovernanceProperties(client);
    expect(refused).toMatchObject({ ok: false, refused: true });
    expect(refused.ok ? "" : "message" in refused ? refused.message : "").toContain("crm.schemas.deals.write");

    const scoped = await createHarness({ policies: enforcePolicy("enforce"), portal: { missingScopes: ["crm.schemas.deals.write"] } });
    const owner = scoped.seed.owners[0];
    if (owner === undefined) throw new Error("seed has no owners");
    const deal = await scoped.portal.createDeal({ properties: { dealname: "No scope", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id }, as: { kind: "user", ownerId: owner.id } });
    await scoped.drain();
    await scoped.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await scoped.drain();
    expect(await scoped.portal.listTasks(deal.id)).not.toHaveLength(0);
    expect((await scoped.portal.getDeal(deal.id)).properties.governance_status).toBeUndefined();
    expect(scoped.outcomes.every((o) => o.ok)).toBe(true);
  }, 30_000);
});

// The portal's time zone end to end: read from the simulator's account info once and cached in D1; "today" in a rule
// and task due dates follow it; when HubSpot can't say, UTC is used and the reason kept.
import { describe, expect, it } from "vitest";
import { addBusinessDays, startOfZonedDay } from "../../../src/policy";
import { createHarness, rows, type Harness } from "./harness";

const LA = "America/Los_Angeles";
const POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: tz
mode: audit
scope: { pipelines: [default] }
rules:
  - id: close-date-not-in-past
    on: { propertyChanged: closedate }
    assert: new.closedate >= startOfDay(now)
    message: "{{new.dealname}} has a close date in the past"
    actions: [log]
  - id: no-skip
    mode: enforce
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "{{new.dealname}} skipped a stage"
    actions:
      - task:
          subject: "Stage skipped on {{new.dealname}}"
          body: "Move it back or complete the skipped stage."
          dueInBusinessDays: 1
`;

async function newDeal(h: Harness, props: Record<string, string>) {
  const owner = h.seed.owners[0];
  if (owner === undefined) throw new Error("seed has no owners");
  const deal = await h.portal.createDeal({
    properties: { dealname: "Zoned deal", pipeline: "default", dealstage: "appointmentscheduled", hubspot_owner_id: owner.id, ...props },
    as: { kind: "user", ownerId: owner.id },
  });
  await h.drain();
  return { deal, owner };
}

async function cachedZone(): Promise<{ timeZone: string; source: string; reason: string | null }> {
  const [row] = await rows<{ value: string }>("SELECT value FROM portal_metadata WHERE key = 'account'");
  return JSON.parse(row?.value ?? "{}") as { timeZone: string; source: string; reason: string | null };
}

describe("a portal in Los Angeles", () => {
  it("judges 'today' and counts business days in the portal's zone, reading its account info once", async () => {
    const h = await createHarness({ policies: POLICY, portal: { timeZone: LA } });
    // A close date an hour on the far side of LA's latest midnight from UTC's: LA and UTC disagree whether it passed.
    const laStart = startOfZonedDay(Date.now(), LA);
    const utcStart = startOfZonedDay(Date.now(), "UTC");
    const closedate = laStart > utcStart ? laStart - 3600_000 : laStart + 3600_000;
    const { deal, owner } = await newDeal(h, { closedate: String(closedate) });

    const [event] = await rows<{ occurred_at: number }>("SELECT occurred_at FROM inbox_events WHERE object_id = ? ORDER BY occurred_at LIMIT 1", deal.id);
    const at = event?.occurred_at ?? 0;
    const pastInLa = closedate < startOfZonedDay(at, LA);
    expect(pastInLa).not.toBe(closedate < startOfZonedDay(at, "UTC"));
    const recorded = await rows<{ rule_id: string }>("SELECT rule_id FROM violations WHERE deal_id = ? AND rule_id = 'close-date-not-in-past'", deal.id);
    expect(recorded.length).toBe(pastInLa ? 1 : 0);

    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    const [task] = await h.portal.listTasks(deal.id);
    const [skip] = await rows<{ detected_at: number }>("SELECT detected_at FROM violations WHERE deal_id = ? AND rule_id = 'no-skip'", deal.id);
    expect(skip).toBeDefined();
    expect(Date.parse(task?.properties.hs_timestamp ?? "")).toBe(addBusinessDays(skip?.detected_at ?? 0, 1, LA));

    expect(await cachedZone()).toEqual({ timeZone: LA, source: "hubspot", reason: null });
    // Cached for a day: two runs, one read.
    expect(await h.portal.calls({ method: "GET", pathIncludes: "/account-info/v3/details" })).toHaveLength(1);
  }, 60_000);
});

describe("a portal whose account info can't be read", () => {
  it("falls back to UTC, keeps the reason, and still enforces", async () => {
    const h = await createHarness({ policies: POLICY, portal: { timeZone: "Pacific/Auckland" } });
    await h.portal.setKnobs({ faults: { script: [{ status: 403, count: 5, pathIncludes: "/account-info" }] } });
    await rows("DELETE FROM portal_metadata WHERE key = 'account'");
    const { deal, owner } = await newDeal(h, {});
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();

    const zone = await cachedZone();
    expect(zone).toMatchObject({ timeZone: "UTC", source: "fallback" });
    expect(zone.reason).toContain("account info unavailable");
    const [task] = await h.portal.listTasks(deal.id);
    const [skip] = await rows<{ detected_at: number }>("SELECT detected_at FROM violations WHERE deal_id = ? AND rule_id = 'no-skip'", deal.id);
    expect(Date.parse(task?.properties.hs_timestamp ?? "")).toBe(addBusinessDays(skip?.detected_at ?? 0, 1, "UTC"));
    // Retried after an hour, not on every run.
    expect((await h.portal.calls({ method: "GET", pathIncludes: "/account-info/v3/details" })).length).toBe(1);
  }, 60_000);
});

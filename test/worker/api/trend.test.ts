// GET /api/reps/{ownerId}/trend: conversion and time in stage month by month for the rep next to the team,
// compliance and completeness per month, change since last month — against data seeded for the purpose.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { monthStart } from "../../../src/store/trend-query";
import { call, createToken, DAY, insertTransitions, insertViolations, signIn, type ErrorJson, type TransitionSeed } from "./fixtures";

// Two months ago (M2) and last month (M1), relative to the real clock: the API's window ends now.
const NOW = Date.now();
const M2 = monthStart(NOW, 2);
const M1 = monthStart(NOW, 1);
const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
let admin = "";

const t = (id: string, ownerId: string, from: [string, number] | null, to: [string, number], at: number, extra: Partial<TransitionSeed> = {}): TransitionSeed => ({
  id, dealId: id.split("-")[0] ?? id, ownerId, teamId: "t-coach", fromStage: from?.[0] ?? null, fromIndex: from?.[1] ?? null, toStage: to[0], toIndex: to[1], occurredAt: at, ...extra,
});
const S0: [string, number] = ["appointmentscheduled", 0];
const S1: [string, number] = ["qualifiedtobuy", 1];
const S2: [string, number] = ["presentationscheduled", 2];
const WON: [string, number] = ["closedwon", 5];
const LOST: [string, number] = ["closedlost", 6];

interface StageMonth { entered: number; converted: number; conversion: number | null; medianTimeInStageMs: number | null }
interface Trend {
  ownerId: string;
  teamId: string;
  months: string[];
  change: { from: string; to: string };
  stages: Array<{ stage: string; months: Array<{ month: string; rep: StageMonth; team: StageMonth }>; change: { conversion: number | null; medianTimeInStageMs: number | null } }>;
  compliance: Array<{ month: string; partial: boolean; rep: { changes: number; compliant: number; creations: number; complianceRate: number | null; completeness: number | null; violations: number }; team: { complianceRate: number | null; completeness: number | null } }>;
}

beforeAll(async () => {
  await env.DB.prepare("INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('c1', 'Cora Coach', '[\"t-coach\"]', 't-coach', 0), ('c2', 'Dan Team', '[\"t-coach\"]', 't-coach', 0)").run();
  await insertTransitions([
    // M2, rep c1: four deals enter Appointment scheduled. k1 skips to Presentation (still converts), k2 reaches
    // Qualified, k3 is lost, k4 stays → 2 of 4. Time in the stage: 3, 4 and 5 days → median 4 days.
    t("k1-0", "c1", null, S0, M2 + 1 * DAY), t("k1-1", "c1", S0, S2, M2 + 4 * DAY, { timeInFromMs: 3 * DAY }),
    t("k2-0", "c1", null, S0, M2 + 1 * DAY), t("k2-1", "c1", S0, S1, M2 + 5 * DAY, { timeInFromMs: 4 * DAY }),
    t("k3-0", "c1", null, S0, M2 + 2 * DAY), t("k3-1", "c1", S0, LOST, M2 + 7 * DAY, { timeInFromMs: 5 * DAY, closed: true }),
    t("k4-0", "c1", null, S0, M2 + 2 * DAY),
    // M1, rep c1: both deals reach Qualified (2 of 2), after 2 and 1 days → median 1 day; k6's move broke a rule.
    t("k5-0", "c1", null, S0, M1 + 1 * DAY), t("k5-1", "c1", S0, S1, M1 + 3 * DAY, { timeInFromMs: 2 * DAY }),
    t("k6-0", "c1", null, S0, M1 + 1 * DAY), t("k6-1", "c1", S0, S1, M1 + 2 * DAY, { timeInFromMs: 1 * DAY, compliant: false }),
    // M1, teammate c2: one lost, one won → the team converts 3 of 4 in M1.
    t("k7-0", "c2", null, S0, M1 + 1 * DAY), t("k7-1", "c2", S0, LOST, M1 + 4 * DAY, { closed: true }),
    t("k8-0", "c2", null, S0, M1 + 1 * DAY), t("k8-1", "c2", S0, WON, M1 + 5 * DAY, { won: true }),
  ]);
  // k6's move lacked the amount: one incomplete change for c1 in M1.
  await insertViolations([{ id: "w6", dealId: "k6", ownerId: "c1", teamId: "t-coach", fromStage: "appointmentscheduled", toStage: "qualifiedtobuy", occurredAt: M1 + 2 * DAY }]);
  admin = await createToken({ role: "admin" });
});

describe("rep trend", () => {
  it("gives conversion and time in stage per month for the rep next to the team, and the change since last month", async () => {
    const res = await call("/api/reps/c1/trend?months=6", { token: admin });
    expect(res.status).toBe(200);
    const tr = await res.json<Trend>();
    expect(tr.months).toHaveLength(6);
    expect(tr.months.slice(-3)).toEqual([month(M2), month(M1), month(NOW)]);
    expect(tr.teamId).toBe("t-coach");
    expect(tr.change).toEqual({ from: month(M2), to: month(M1) });
    const s0 = tr.stages.find((s) => s.stage === "appointmentscheduled");
    const at = (m: number) => s0?.months.find((x) => x.month === month(m));
    expect(at(M2)?.rep).toEqual({ entered: 4, converted: 2, conversion: 0.5, medianTimeInStageMs: 4 * DAY });
    expect(at(M1)?.rep).toEqual({ entered: 2, converted: 2, conversion: 1, medianTimeInStageMs: 1 * DAY });
    expect(at(M1)?.team).toMatchObject({ entered: 4, converted: 3, conversion: 0.75 });
    expect(s0?.change).toEqual({ conversion: 0.5, medianTimeInStageMs: -3 * DAY });
  });

  it("gives compliance (creations excluded) and data completeness per month", async () => {
    const tr = await (await call("/api/reps/Cora Coach/trend", { token: admin })).json<Trend>();
    const m1 = tr.compliance.find((c) => c.month === month(M1));
    // c1 in M1: 2 moves, 1 compliant; 2 creations kept apart; 1 of 4 changes lacked data; 1 violation.
    expect(m1?.rep).toEqual({ changes: 2, compliant: 1, creations: 2, complianceRate: 0.5, completeness: 0.75, violations: 1 });
    // Team in M1: 4 moves, 3 compliant; 1 of 8 changes lacked data.
    expect(m1?.team).toMatchObject({ complianceRate: 0.75, completeness: 0.875 });
    expect(tr.compliance[tr.compliance.length - 1]?.partial).toBe(true);
  });

  it("bounds the trend: at most 24 months, 400 naming the limit; 404 for an unknown rep", async () => {
    expect((await call("/api/reps/c1/trend?months=24", { token: admin })).status).toBe(200);
    const tooLong = await call("/api/reps/c1/trend?months=25", { token: admin });
    expect(tooLong.status).toBe(400);
    const body = await tooLong.json<ErrorJson>();
    expect(body.error.details?.[0]).toMatchObject({ field: "months" });
    expect(body.error.details?.[0]?.message).toContain("24");
    expect((await call("/api/reps/nobody/trend", { token: admin })).status).toBe(404);
    const other = await createToken({ role: "manager", teams: ["t-elsewhere"] });
    expect((await call("/api/reps/c1/trend", { token: other })).status).toBe(403);
  });
});

describe("coaching page", () => {
  it("shows the rep next to the team per stage and month, with last month's row highlighted", async () => {
    const cookie = await signIn(admin);
    const res = await call("/dashboard/reps/c1/coaching?months=6", { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Cora Coach · coaching");
    expect(html).toContain('id="coaching-compliance"');
    expect(html).toMatch(/<tr class="changed">[^]*?100%[^]*?75%/);
    expect(html).toContain("▲ 50 pts");
  });
});

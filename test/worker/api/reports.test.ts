// GET /api/summary, /api/reps/{ownerId}, /api/policies/{policyId}, /api/openapi.json: the numbers a manager reads.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { apiRoutes } from "../../../src/http/api";
import { buildOpenApiDocument } from "../../../src/http/openapi";
import { call, createToken, DAY, insertTransitions, insertViolations } from "./fixtures";

const HOUR = 60 * 60 * 1000;
// Wednesday 2026-10-07; the Monday of its week is 2026-10-05.
const WED = Date.UTC(2026, 9, 7, 12);
const WINDOW = "from=2026-09-01&to=2026-10-31";
let admin = "";

beforeAll(async () => {
  await insertViolations([
    { id: "a", ownerId: "o1", teamId: "t1", status: "resolved", timeToFixMs: 2 * HOUR, occurredAt: WED, toStage: "contractsent" },
    { id: "b", ownerId: "o1", teamId: "t1", status: "resolved", timeToFixMs: 4 * HOUR, occurredAt: WED + DAY, toStage: "contractsent" },
    { id: "c", ownerId: "o1", teamId: "t1", status: "resolved", timeToFixMs: 9 * HOUR, occurredAt: WED + 7 * DAY, toStage: "qualifiedtobuy" },
    { id: "d", ownerId: "o2", teamId: "t2", status: "open", occurredAt: WED + 7 * DAY, mode: "audit", actions: [{ type: "revert", outcome: "would-run" }, { type: "task", outcome: "would-run" }] },
    { id: "e", ownerId: "o2", teamId: "t2", status: "open", occurredAt: WED + 8 * DAY, policyId: "forecast-hygiene", ruleId: "close-date-set" },
    { id: "old", ownerId: "o1", teamId: "t1", status: "open", occurredAt: Date.UTC(2026, 0, 1) },
  ]);
  // o1: 4 deals enter stage 0, 2 of them reach stage 1, 1 of those reaches stage 2 (won). One change non-compliant.
  await insertTransitions([
    ...["d1", "d2", "d3", "d4"].map((deal, i) => ({ id: `s0-${deal}`, dealId: deal, ownerId: "o1", teamId: "t1", fromStage: null, toStage: "appointmentscheduled", toIndex: 0, occurredAt: WED + i * HOUR })),
    { id: "s1-d1", dealId: "d1", ownerId: "o1", teamId: "t1", fromStage: "appointmentscheduled", toStage: "qualifiedtobuy", toIndex: 1, occurredAt: WED + DAY, timeInFromMs: 2 * DAY },
    { id: "s1-d2", dealId: "d2", ownerId: "o1", teamId: "t1", fromStage: "appointmentscheduled", toStage: "qualifiedtobuy", toIndex: 1, occurredAt: WED + 2 * DAY, timeInFromMs: 4 * DAY, compliant: false },
    { id: "s2-d1", dealId: "d1", ownerId: "o1", teamId: "t1", fromStage: "qualifiedtobuy", toStage: "closedwon", toIndex: 2, occurredAt: WED + 3 * DAY, timeInFromMs: 1 * DAY, won: true },
  ]);
  await env.DB.prepare("INSERT INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at) VALUES ('c1', 555, 'd3', 'o1', 't1', 0, 0, 14, ?), ('c2', 555, 'd3', 'o1', 't1', 0, 0, 7, ?)")
    .bind(WED + DAY, WED + 2 * DAY).run();
  await env.DB.prepare("INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('o1', 'Ada Lovelace', '[\"t1\"]', 't1', 0)").run();
  admin = await createToken({ role: "admin" });
});

describe("summary", () => {
  it("counts by owner, team, rule, stage and week with open vs resolved", async () => {
    const s = await (await call(`/api/summary?${WINDOW}`, { token: admin })).json<{
      totals: { open: number; resolved: number; total: number };
      byOwner: Array<{ ownerId: string; open: number; resolved: number }>;
      byTeam: Array<{ teamId: string; total: number }>;
      byRule: Array<{ policyId: string; ruleId: string; total: number }>;
      byStage: Array<{ stage: string; total: number }>;
      byWeek: Array<{ week: string; open: number; resolved: number }>;
      medianTimeToFixMs: number;
      stageChanges: { total: number; compliant: number; compliantShare: number };
    }>();
    expect(s.totals).toEqual({ open: 2, resolved: 3, total: 5 });
    expect(s.byOwner).toEqual([{ ownerId: "o1", ownerName: "Ada Lovelace", open: 0, resolved: 3, total: 3 }, { ownerId: "o2", ownerName: null, open: 2, resolved: 0, total: 2 }]);
    expect(s.byTeam.map((t) => [t.teamId, t.total])).toEqual([["t1", 3], ["t2", 2]]);
    expect(s.byRule).toContainEqual(expect.objectContaining({ policyId: "forecast-hygiene", ruleId: "close-date-set", total: 1 }));
    expect(s.byStage).toContainEqual(expect.objectContaining({ stage: "contractsent", total: 4 }));
    expect(s.byWeek).toEqual([{ week: "2026-10-05", open: 0, resolved: 2, total: 2 }, { week: "2026-10-12", open: 2, resolved: 1, total: 3 }]);
    // 4 h = 240 min: reported as the midpoint of its 2-significant-digit bucket [240, 250) min.
    expect(s.medianTimeToFixMs).toBe(245 * 60_000);
    // Compliance counts stage moves only (issue 10): 3 moves, 1 of them broke a rule; the 4 creations apart.
    expect(s.stageChanges).toEqual({ total: 3, compliant: 2, compliantShare: 2 / 3, creations: 4 });
  });

  it("median of an even count is the lower middle; filters narrow it", async () => {
    const s = await (await call("/api/summary?from=2026-09-01&owner=o1&to=2026-10-10", { token: admin })).json<{ medianTimeToFixMs: number; totals: { total: number } }>();
    expect(s.totals.total).toBe(2);
    expect(s.medianTimeToFixMs).toBe(125 * 60_000);
  });

  it("the rollup path (whole days) and the raw path (any other window) agree, also after updates and deletes", async () => {
    const from = Date.UTC(2026, 8, 1);
    const compare = async () => {
      const viaRollup = await (await call(`/api/summary?from=2026-09-01&to=2026-10-31`, { token: admin })).json<Record<string, unknown>>();
      const viaRaw = await (await call(`/api/summary?from=${from + 1}&to=2026-10-31`, { token: admin })).json<Record<string, unknown>>();
      expect({ ...viaRollup, window: null }).toEqual({ ...viaRaw, window: null });
      const teamRollup = await (await call(`/api/summary?team=t1&from=2026-09-01&to=2026-10-31`, { token: admin })).json<Record<string, unknown>>();
      const teamRaw = await (await call(`/api/summary?team=t1&from=${from + 1}&to=2026-10-31`, { token: admin })).json<Record<string, unknown>>();
      expect({ ...teamRollup, window: null }).toEqual({ ...teamRaw, window: null });
      return viaRollup;
    };
    await compare();
    await env.DB.prepare("UPDATE violations SET status = 'resolved', resolved_at = occurred_at + 3600000, time_to_fix_ms = 3600000 WHERE id = 'd'").run();
    await env.DB.prepare("UPDATE stage_transitions SET compliant = 0 WHERE id = 's1-d1'").run();
    const after = (await compare()) as { totals: { open: number }; stageChanges: { compliant: number } };
    expect(after.totals.open).toBe(1);
    expect(after.stageChanges.compliant).toBe(1);
    await env.DB.prepare("UPDATE violations SET status = 'open', resolved_at = NULL, time_to_fix_ms = NULL WHERE id = 'd'").run();
    await env.DB.prepare("UPDATE stage_transitions SET compliant = 1 WHERE id = 's1-d1'").run();
    await env.DB.prepare("DELETE FROM violations WHERE id = 'e'").run();
    expect(((await compare()) as { totals: { total: number } }).totals.total).toBe(4);
  });

  it("defaults to the last 12 weeks", async () => {
    const s = await (await call("/api/summary", { token: admin })).json<{ window: { from: string; to: string } }>();
    expect(Date.parse(s.window.to) - Date.parse(s.window.from)).toBe(84 * DAY);
    expect(Date.parse(s.window.to) % DAY).toBe(0);
  });
});

describe("rep", () => {
  it("has violations, compliance rate, batting averages, time in stage and close-date pushes", async () => {
    const res = await call(`/api/reps/o1?${WINDOW}`, { token: admin });
    expect(res.status).toBe(200);
    const r = await res.json<{
      teamIds: string[];
      violations: { open: number; resolved: number };
      stageChanges: { total: number; complianceRate: number };
      stages: Array<{ stage: string; dealsEntered: number; conversionToNext: number | null; medianTimeInStageMs: number | null }>;
      closeDatePushes: { count: number; totalDaysPushed: number; deals: number };
      wonDeals: number;
      trend: Array<{ week: string; violations: number }>;
    }>();
    expect(r.teamIds).toEqual(["t1"]);
    expect(r.violations).toEqual({ open: 0, resolved: 3, total: 3 });
    expect(r.stageChanges.total).toBe(3);
    expect(r.stageChanges.complianceRate).toBeCloseTo(2 / 3);
    // Medians are the lower middle (2 and 4 days → 2 days), as everywhere in the managers' figures.
    expect(r.stages.map((s) => [s.stage, s.dealsEntered, s.conversionToNext, s.medianTimeInStageMs])).toEqual([
      ["appointmentscheduled", 4, 0.5, 2 * DAY],
      ["qualifiedtobuy", 2, 0.5, DAY],
      ["closedwon", 1, null, null],
    ]);
    expect(r.wonDeals).toBe(1);
    expect(r.closeDatePushes).toMatchObject({ count: 2, totalDaysPushed: 21, deals: 1 });
    expect(r.trend.find((t) => t.week === "2026-10-05")?.violations).toBe(2);
  });

  it("404 for a rep with no activity", async () => {
    expect((await call("/api/reps/nobody", { token: admin })).status).toBe(404);
  });
});

describe("policy", () => {
  it("counts hits per rule and mode and what enforce would have done", async () => {
    const p = await (await call(`/api/policies/entry-criteria?${WINDOW}`, { token: admin })).json<{
      rules: Array<{ ruleId: string; mode: string; total: number }>;
      versions: unknown[];
      wouldHaveDone: Array<{ action: string; count: number }>;
    }>();
    expect(p.rules).toEqual([
      expect.objectContaining({ ruleId: "amount-required", mode: "audit", total: 1 }),
      expect.objectContaining({ ruleId: "amount-required", mode: "enforce", total: 3 }),
    ]);
    expect(p.wouldHaveDone.map((w) => [w.action, w.count])).toEqual([["revert", 1], ["task", 1]]);
    expect(p.versions).toEqual([{ version: "v1", firstSeen: new Date(WED).toISOString(), lastSeen: new Date(WED + 7 * DAY).toISOString(), hits: 4 }]);
    // A window that is not whole days reads the violations directly: same answer as the rollup.
    const raw = await (await call(`/api/policies/entry-criteria?from=${Date.UTC(2026, 8, 1) + 1}&to=2026-10-31`, { token: admin })).json<{ wouldHaveDone: unknown[] }>();
    expect(raw.wouldHaveDone).toEqual(p.wouldHaveDone);
    await env.DB.prepare("UPDATE violations SET mode = 'enforce' WHERE id = 'd'").run();
    const after = await (await call(`/api/policies/entry-criteria?${WINDOW}`, { token: admin })).json<{ wouldHaveDone: unknown[] }>();
    expect(after.wouldHaveDone).toEqual([]);
    await env.DB.prepare("UPDATE violations SET mode = 'audit' WHERE id = 'd'").run();
  });
});

describe("OpenAPI", () => {
  it("is served and documents every filter the API accepts", async () => {
    const res = await call("/api/openapi.json", { token: admin });
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    const names = doc.paths["/api/violations"]?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names.sort()).toEqual(["cursor", "deal", "format", "from", "limit", "mode", "owner", "pipeline", "policy", "rule", "severity", "sort", "stage", "status", "team", "to"]);
    const byName = new Set(["owner", "team", "stage", "policy", "rule"]);
    for (const name of names) {
      const value = { limit: "5", sort: "occurred_at", format: "json", status: "open", severity: "info", mode: "audit", from: "2026-01-01", to: "2026-12-01" }[name] ?? "x";
      if (name === "cursor") continue;
      // Filters by name answer 400 for a name nobody has; the rest accept any well-formed value.
      expect((await call(`/api/violations?${name}=${value}`, { token: admin })).status, name).toBe(byName.has(name) ? 400 : 200);
    }
    const docs = await call("/api/docs", { token: admin });
    expect(await docs.text()).toContain("GET /api/violations");
  });
});

it("the OpenAPI document describes every API route the Worker serves, and nothing it doesn't", () => {
  const served = apiRoutes()
    .routes.filter((r) => r.method !== "ALL" && !["/openapi.json", "/docs"].includes(r.path))
    .map((r) => `${r.method.toLowerCase()} /api${r.path.replace(/:(\w+)/g, "{$1}")}`);
  const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
  const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
  expect([...new Set(served)].sort()).toEqual(documented.sort());
});

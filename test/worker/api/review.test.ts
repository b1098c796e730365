// GET /api/review: one team's week, every figure checked against data seeded for the purpose (see the comments).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createToken, DAY, insertTransitions, insertViolations, signIn, type ErrorJson, type TransitionSeed } from "./fixtures";

// The week under review: Monday 2026-10-05 to Monday 2026-10-12 (UTC). Last week starts 2026-09-28.
const MON = Date.UTC(2026, 9, 5);
const LAST_MON = MON - 7 * DAY;
const HOUR = 3_600_000;
const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"];
let admin = "";

interface Move { dealId: string; kind: string; fromStage: string | null; toStage: string; ownerId: string; dealName: string | null; hubspotUrl: string }
interface Figures { moves: number; advanced: number; movedBack: number; won: number; lost: number; created: number; compliantMoves: number; complianceRate: number | null; newViolations: number; fixedViolations: number; revertedByEngine: number; closeDatePushes: number }
interface Review {
  teamId: string;
  week: { start: string; end: string; partial: boolean };
  moveCounts: Record<string, number>;
  moves: { items: Move[]; truncated: boolean };
  closeDateSlips: { items: Array<{ dealId: string; pushesThisWeek: number; daysThisWeek: number; pushesTotal: number; daysTotal: number; hubspotUrl: string }> };
  staleDeals: { items: Array<{ dealId: string; stage: string; daysInStage: number; teamMedianDays: number; hubspotUrl: string }> };
  newViolations: { items: Array<{ id: string }> };
  fixedViolations: { items: Array<{ id: string; resolution: string }> };
  reps: Array<{ ownerId: string; thisWeek: Figures; lastWeek: Figures }>;
  team: { thisWeek: Figures; lastWeek: Figures };
  names: { owners: Record<string, string>; teams: Record<string, string> };
}

const move = (id: string, dealId: string, ownerId: string, from: number | null, to: number | "won" | "lost", at: number, extra: Partial<TransitionSeed> = {}): TransitionSeed => ({
  id, dealId, ownerId, teamId: "t-rev", fromStage: from === null ? null : (STAGES[from] ?? null),
  toStage: to === "won" ? "closedwon" : to === "lost" ? "closedlost" : (STAGES[to] ?? ""), fromIndex: from, toIndex: to === "won" ? 5 : to === "lost" ? 6 : to, occurredAt: at, won: to === "won", closed: to === "won" || to === "lost", ...extra,
});

beforeAll(async () => {
  await env.DB.batch([
    env.DB.prepare("INSERT INTO teams (id, name, fetched_at) VALUES ('t-rev', 'Review Team', 0), ('t-other', 'Other Team', 0)"),
    env.DB.prepare(
      `INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('r1', 'Rita Rep', '["t-rev"]', 't-rev', 0),
       ('r2', 'Sam Seller', '["t-rev"]', 't-rev', 0), ('r3', 'Idle Ida', '["t-rev"]', 't-rev', 0), ('x1', 'Otto Other', '["t-other"]', 't-other', 0)`,
    ),
  ]);
  await insertTransitions([
    // This week: A advanced (r1), B moved back and broke a rule (r1), C won and D lost (r2), E created (r2).
    move("a", "A", "r1", 1, 2, MON + 1 * DAY),
    move("b", "B", "r1", 3, 2, MON + 2 * DAY, { compliant: false }),
    move("c", "C", "r2", 3, "won", MON + 3 * DAY),
    move("d", "D", "r2", 2, "lost", MON + 3 * DAY + HOUR),
    move("e", "E", "r2", null, 0, MON + 4 * DAY),
    // Last week: r1 advanced two deals, r2 one (not compliant).
    move("f", "F", "r1", 3, 4, LAST_MON + DAY),
    move("g", "G", "r1", 3, 4, LAST_MON + 2 * DAY),
    move("h", "H", "r2", 2, 3, LAST_MON + 2 * DAY, { compliant: false }),
    // Time in Qualified to buy for the team: 2, 4 and 6 days (median 4) — left in September.
    ...[2, 4, 6].map((d, i) => move(`m${i}`, `M${i}`, "r2", 1, 2, Date.UTC(2026, 8, 10 + i), { timeInFromMs: d * DAY })),
    // S entered Qualified to buy on 2026-09-20: 22 days by the end of the week → stale. T (r1) entered it on
    // 2026-10-10, this week: 2 days → not stale, and one more advance for r1 this week.
    move("s", "S", "r1", 0, 1, Date.UTC(2026, 8, 20)),
    move("t", "T", "r1", 0, 1, Date.UTC(2026, 9, 10)),
    // Z sat there too, but was deleted in HubSpot.
    move("z", "Z", "r1", 0, 1, Date.UTC(2026, 8, 1)),
    // Another team's move in the same week never shows.
    { ...move("x", "X", "x1", 1, 2, MON + DAY), teamId: "t-other" },
  ]);
  await env.DB.prepare("INSERT INTO deal_state (deal_id, deal_name, stage_id, status, observed_at, updated_at) VALUES ('Z', 'Zombie deal', 'qualifiedtobuy', 'deleted', 0, 0), ('S', 'Slow Corp', 'qualifiedtobuy', 'active', 0, 0)").run();
  // A's close date: pushed 10 days on 2026-09-01, then 14 and 7 days this week.
  await env.DB.prepare(
    `INSERT INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at) VALUES
     ('p0', 555, 'A', 'r1', 't-rev', 0, 0, 10, ?1), ('p1', 555, 'A', 'r1', 't-rev', 0, 0, 14, ?2), ('p2', 555, 'A', 'r1', 't-rev', 0, ?4, 7, ?3)`,
  ).bind(Date.UTC(2026, 8, 1), MON + DAY, MON + 3 * DAY, Date.UTC(2026, 11, 24)).run();
  await insertViolations([
    { id: "v1", dealId: "B", dealName: "Bravo", ownerId: "r1", teamId: "t-rev", occurredAt: MON + 2 * DAY },
    { id: "v2", dealId: "E", ownerId: "r2", teamId: "t-rev", occurredAt: MON + 4 * DAY, status: "resolved", timeToFixMs: DAY },
    { id: "v3", dealId: "F", ownerId: "r1", teamId: "t-rev", occurredAt: LAST_MON + 2 * DAY, status: "resolved", timeToFixMs: 6 * DAY },
    { id: "v4", dealId: "H", ownerId: "r2", teamId: "t-rev", occurredAt: LAST_MON + DAY },
    { id: "vx", dealId: "X", ownerId: "x1", teamId: "t-other", occurredAt: MON + DAY },
    // D's move was undone by the engine: resolved, but not a person's fix.
    { id: "v5", dealId: "D", ownerId: "r2", teamId: "t-rev", occurredAt: MON + 3 * DAY + HOUR, status: "resolved", timeToFixMs: 60_000 },
  ]);
  await env.DB.prepare("UPDATE violations SET resolved_by = 'engine:revert' WHERE id = 'v5'").run();
  admin = await createToken({ role: "admin" });
});

const getReview = async (query: string, token = admin) => call(`/api/review?${query}`, { token });

describe("weekly review", () => {
  it("lists the week's stage moves by kind, each linked to the deal in HubSpot", async () => {
    const r = await (await getReview("team=t-rev&week=2026-10-07")).json<Review>();
    expect(r.week).toMatchObject({ start: "2026-10-05T00:00:00.000Z", end: "2026-10-12T00:00:00.000Z", partial: false });
    expect(r.moveCounts).toEqual({ advanced: 2, "moved-back": 1, won: 1, lost: 1, created: 1, moved: 0 });
    expect(r.moves.items.map((m) => [m.dealId, m.kind])).toEqual([["T", "advanced"], ["D", "lost"], ["C", "won"], ["B", "moved-back"], ["A", "advanced"]]);
    expect(r.moves.items.find((m) => m.dealId === "B")?.dealName).toBe("Bravo");
    expect(r.moves.items[1]?.hubspotUrl).toBe("https://app.hubspot.com/contacts/555/record/0-3/D");
    expect(r.names.teams["t-rev"]).toBe("Review Team");
  });

  it("shows close-date slips: how far and how many times, this week and overall", async () => {
    const r = await (await getReview("team=t-rev&week=2026-10-05")).json<Review>();
    expect(r.closeDateSlips.items).toEqual([expect.objectContaining({ dealId: "A", pushesThisWeek: 2, daysThisWeek: 21, pushesTotal: 3, daysTotal: 31 })]);
  });

  it("flags deals in a stage longer than the team's median, leaving out deleted and closed deals", async () => {
    const r = await (await getReview("team=t-rev&week=2026-10-11")).json<Review>();
    expect(r.staleDeals.items.map((s) => [s.dealId, s.stage, s.daysInStage, s.teamMedianDays])).toEqual([["S", "qualifiedtobuy", 22, 4]]);
  });

  it("lists new and fixed violations, and each rep's figures against last week and the team", async () => {
    const r = await (await getReview("team=Review Team&week=2026-10-05")).json<Review>();
    expect(r.teamId).toBe("t-rev");
    expect(r.newViolations.items.map((v) => v.id)).toEqual(["v2", "v5", "v1"]);
    expect(r.fixedViolations.items.map((v) => [v.id, v.resolution]).sort()).toEqual([["v2", "person"], ["v3", "person"], ["v5", "engine"]]);
    const rep = (id: string) => r.reps.find((x) => x.ownerId === id);
    expect(rep("r1")?.thisWeek).toMatchObject({ moves: 3, advanced: 2, movedBack: 1, compliantMoves: 2, complianceRate: 2 / 3, newViolations: 1, fixedViolations: 1, closeDatePushes: 2 });
    expect(rep("r1")?.lastWeek).toMatchObject({ moves: 2, advanced: 2, compliantMoves: 2, complianceRate: 1, newViolations: 1, fixedViolations: 0, closeDatePushes: 0 });
    // The engine's revert of D is counted apart from people's fixes.
    expect(rep("r2")?.thisWeek).toMatchObject({ moves: 2, won: 1, lost: 1, created: 1, complianceRate: 1, newViolations: 2, fixedViolations: 1, revertedByEngine: 1 });
    expect(rep("r2")?.lastWeek).toMatchObject({ moves: 1, complianceRate: 0, newViolations: 1 });
    // A team member with nothing this week is listed, not forgotten.
    expect(rep("r3")?.thisWeek).toMatchObject({ moves: 0, complianceRate: null });
    expect(rep("x1")).toBeUndefined();
    expect(r.team.thisWeek).toMatchObject({ moves: 5, compliantMoves: 4, complianceRate: 0.8, newViolations: 3, fixedViolations: 2, revertedByEngine: 1 });
    expect(r.team.lastWeek).toMatchObject({ moves: 3, compliantMoves: 2, newViolations: 2 });
    expect(r.names.owners.r1).toBe("Rita Rep");
  });

  it("answers 400 naming an unknown team, 403 outside the token's teams, 400 without a team", async () => {
    const unknown = await getReview("team=Nobody");
    expect(unknown.status).toBe(400);
    const body = await unknown.json<ErrorJson>();
    expect(body.error.code).toBe("INVALID_QUERY");
    expect(body.error.details?.[0]).toMatchObject({ field: "team" });
    expect(body.error.details?.[0]?.message).toContain("Nobody");
    const other = await createToken({ role: "manager", teams: ["t-other"] });
    expect((await getReview("team=t-rev", other)).status).toBe(403);
    expect((await getReview("team=Other Team&week=2026-10-05", other)).status).toBe(200);
    expect((await call("/api/review", { token: admin })).status).toBe(400);
    expect((await getReview("team=t-rev&week=last-tuesday")).status).toBe(400);
  });
});

describe("OpenAPI", () => {
  it("documents the review, trend and adoption endpoints with the parameters they accept", async () => {
    const doc = await (await call("/api/openapi.json", { token: admin })).json<{ paths: Record<string, { get?: { parameters?: Array<{ name: string }> } }> }>();
    const params = (path: string) => doc.paths[path]?.get?.parameters?.map((p) => p.name).sort();
    expect(params("/api/review")).toEqual(["team", "week"]);
    expect(params("/api/reps/{ownerId}/trend")).toEqual(["months", "ownerId"]);
    expect(params("/api/adoption")).toEqual(["team", "weeks"]);
  });
});

describe("weekly review page", () => {
  it("renders the same week with names, deal links to HubSpot and no raw ids where a name is known", async () => {
    const cookie = await signIn(admin);
    const res = await call("/dashboard/review?team=t-rev&week=2026-10-07", { cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Weekly review · Review Team");
    expect(html).toContain('href="https://app.hubspot.com/contacts/555/record/0-3/D"');
    expect(html).toContain("Slow Corp");
    expect(html).toContain("Rita Rep");
    expect(html).toContain("Idle Ida");
    expect(html).toContain('href="/dashboard/reps/r1/coaching"');
    const first = await call("/dashboard/review", { cookie });
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toMatch(/^\/dashboard\/review\?team=/);
  });
});

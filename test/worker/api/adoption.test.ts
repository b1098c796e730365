// GET /api/adoption: weekly compliance and data completeness per team; a drop of more than ADOPTION_DROP_POINTS
// (default 10) between the last complete week and two weeks before it flags the team.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { findDrop, type AdoptionWeek } from "../../../src/store/adoption-query";
import { weekStartMs } from "../../../src/store/review-query";
import { call, createToken, DAY, insertTransitions, insertViolations, signIn, type ErrorJson, type TransitionSeed } from "./fixtures";

const THIS_WEEK = weekStartMs(Date.now());
const week = (back: number) => THIS_WEEK - back * 7 * DAY;
const label = (ms: number) => new Date(ms).toISOString().slice(0, 10);
let admin = "";

/** `n` stage moves for `team` in the week starting `start`, the first `bad` of them non-compliant. */
function moves(team: string, start: number, n: number, bad: number): TransitionSeed[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `${team}-${start}-${i}`, dealId: `${team}-d${start}-${i}`, ownerId: `${team}-o`, teamId: team, fromStage: "appointmentscheduled", fromIndex: 0,
    toStage: "qualifiedtobuy", toIndex: 1, occurredAt: start + DAY + i * 60_000, compliant: i >= bad,
  }));
}

interface Health { dropThresholdPoints: number; teams: Array<{ teamId: string; weeks: Array<{ week: string; partial: boolean; changes: number; complianceRate: number | null; completeness: number | null }>; flag: { metric: string; dropPoints: number; fromWeek: string; toWeek: string } | null }> }

beforeAll(async () => {
  await env.DB.prepare("INSERT INTO teams (id, name, fetched_at) VALUES ('fade', 'Fading', 0), ('steady', 'Steady', 0), ('gaps', 'Gaps', 0)").run();
  await insertTransitions([
    // fade: 100% compliant three weeks ago, 70% last week → a 30-point drop.
    ...moves("fade", week(3), 10, 0), ...moves("fade", week(2), 10, 1), ...moves("fade", week(1), 10, 3),
    // steady: 90% both weeks; exactly a 10-point drop would not flag either ("more than").
    ...moves("steady", week(3), 10, 1), ...moves("steady", week(1), 10, 2),
    // gaps: always compliant, but last week 4 of 10 moves lacked data (completeness 100% → 60%).
    ...moves("gaps", week(3), 10, 0), ...moves("gaps", week(1), 10, 0),
  ]);
  await insertViolations(
    moves("gaps", week(1), 4, 0).map((m, i) => ({ id: `gap-${i}`, dealId: m.dealId, ownerId: m.ownerId, teamId: "gaps", toStage: "qualifiedtobuy", occurredAt: m.occurredAt, status: "resolved" as const })),
  );
  admin = await createToken({ role: "admin" });
});

describe("adoption health", () => {
  it("gives each team's weekly compliance and completeness and flags a drop over two weeks", async () => {
    const res = await call("/api/adoption?weeks=4", { token: admin });
    expect(res.status).toBe(200);
    const h = await res.json<Health>();
    expect(h.dropThresholdPoints).toBe(10);
    const team = (id: string) => h.teams.find((t) => t.teamId === id);
    expect(team("fade")?.weeks.map((w) => [w.week, w.changes, w.complianceRate])).toEqual([
      [label(week(3)), 10, 1], [label(week(2)), 10, 0.9], [label(week(1)), 10, 0.7], [label(week(0)), 0, null],
    ]);
    expect(team("fade")?.weeks[3]?.partial).toBe(true);
    expect(team("fade")?.flag).toEqual({ metric: "compliance", fromWeek: label(week(3)), toWeek: label(week(1)), dropPoints: 30 });
    expect(team("steady")?.flag).toBeNull();
    expect(team("gaps")?.weeks[2]).toMatchObject({ complianceRate: 1, completeness: 0.6 });
    expect(team("gaps")?.flag).toMatchObject({ metric: "completeness", dropPoints: 40 });
    // Flagged teams come first.
    expect(h.teams.map((t) => t.teamId)).toEqual(["fade", "gaps", "steady"]);
  });

  it("scopes to one team by id or name, and bounds the series", async () => {
    const h = await (await call("/api/adoption?team=Steady", { token: admin })).json<Health>();
    expect(h.teams.map((t) => t.teamId)).toEqual(["steady"]);
    expect(h.teams[0]?.weeks).toHaveLength(12);
    const res = await call("/api/adoption?weeks=105", { token: admin });
    expect(res.status).toBe(400);
    expect((await res.json<ErrorJson>()).error.details?.[0]?.message).toContain("104");
    const limited = await createToken({ role: "manager", teams: ["steady"] });
    const mine = await (await call("/api/adoption", { token: limited })).json<Health>();
    expect(mine.teams.map((t) => t.teamId)).toEqual(["steady"]);
    expect((await call("/api/adoption?team=fade", { token: limited })).status).toBe(403);
  });
});

describe("findDrop", () => {
  const w = (week: string, changes: number, complianceRate: number | null, partial = false): AdoptionWeek => ({ week, partial, changes, complianceRate, completeness: 1 });
  it("compares the last complete week with two weeks before, ignores small weeks and the partial one", () => {
    const weeks = [w("a", 10, 0.9), w("b", 10, 0.85), w("c", 10, 0.79), w("d", 3, 0.1, true)];
    expect(findDrop(weeks, 10)).toEqual({ metric: "compliance", fromWeek: "a", toWeek: "c", dropPoints: 11 });
    expect(findDrop(weeks, 11)).toBeNull();
    expect(findDrop([w("a", 4, 1), w("b", 10, 1), w("c", 10, 0)], 10)).toBeNull();
    expect(findDrop([w("b", 10, 1), w("c", 10, 0)], 10)).toBeNull();
  });
});

describe("overview", () => {
  it("shows each team's weekly figures and flags the fading teams", async () => {
    const html = await (await call("/dashboard", { cookie: await signIn(admin) })).text();
    expect(html).toContain('id="adoption-compliance"');
    expect(html).toMatch(/Fading: compliant stage moves fell 30 points/);
    expect(html).toMatch(/Gaps: complete data fell 40 points/);
    expect(html).not.toMatch(/Steady: .* fell/);
  });
});

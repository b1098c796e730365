// Names everywhere: filters take names or ids (400 naming an unknown or ambiguous one), JSON, CSV and the summary
// carry names next to ids, the policies index lists every rule, and reverts are not counted as people's fixes.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createToken, DAY, insertViolations, signIn, type ErrorJson } from "./fixtures";

const HOUR = 60 * 60 * 1000;
const MON = Date.UTC(2026, 9, 5, 9); // Monday 2026-10-05
const WINDOW = "from=2026-10-01&to=2026-10-31";
let admin = "";

const stages = (prefix: string) => [
  { id: `${prefix}appointmentscheduled`, label: "Appointment Scheduled", displayOrder: 0, isClosed: false },
  { id: `${prefix}contractsent`, label: "Contract Sent", displayOrder: 1, isClosed: false },
];

beforeAll(async () => {
  const pipelines = [
    { id: "default", label: "Sales Pipeline", displayOrder: 0, stages: stages("") },
    { id: "renewals", label: "Renewals", displayOrder: 1, stages: stages("r-") },
  ];
  const properties = [{ name: "closedate", type: "datetime", label: "Close Date" }, { name: "hs_next_step", type: "string", label: "Next step" }];
  await env.DB.batch([
    env.DB.prepare("INSERT INTO portal_metadata (key, value, fetched_at) VALUES ('pipelines', ?, 0), ('properties', ?, 0)").bind(JSON.stringify(pipelines), JSON.stringify(properties)),
    env.DB.prepare(
      `INSERT INTO owners (id, user_id, name, email, team_ids, primary_team_id, fetched_at) VALUES
       ('o-dev', '77', 'Dev Garcia', 'dev@example.com', '["t-east"]', 't-east', 0), ('o-sam', '78', 'Sam Lee', 'sam@example.com', '["t-west"]', 't-west', 0),
       ('o-twin1', '81', 'Alex Kim', NULL, '["t-west"]', 't-west', 0), ('o-twin2', '82', 'Alex Kim', NULL, '["t-west"]', 't-west', 0)`,
    ),
    env.DB.prepare("INSERT INTO teams (id, name, fetched_at) VALUES ('t-east', 'East', 0), ('t-west', 'West', 0)"),
    env.DB.prepare("INSERT INTO deal_state (deal_id, deal_name, observed_at, updated_at) VALUES ('d-push', 'Globex Renewal', 0, 0)"),
    env.DB.prepare("INSERT INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at) VALUES ('p1', 555, 'd-push', 'o-dev', 't-east', 0, 0, 21, ?)").bind(MON),
  ]);
  await insertViolations([
    // Sam moved Dev's deal: the deal owner is Dev, the person who made the change is Sam.
    { id: "n1", dealName: "Acme Expansion", ownerId: "o-dev", teamId: "t-east", actorUserId: "78", policyId: "stage-discipline", ruleId: "no-stage-skipping", toStage: "contractsent", occurredAt: MON, trace: [{ check: "assert", expression: "has(new.closedate) && new.closedate <= now + days(90)", passed: false, values: { "new.closedate": null }, detail: "An open deal's close date is today or later: no" }] },
    { id: "n2", ownerId: "o-dev", teamId: "t-east", policyId: "stage-discipline", ruleId: "no-stage-skipping", toStage: "contractsent", status: "resolved", resolvedBy: "engine:revert", timeToFixMs: 60_000, occurredAt: MON + HOUR },
    { id: "n3", ownerId: "o-sam", teamId: "t-west", policyId: "entry-criteria", ruleId: "decision-maker-identified", toStage: "r-contractsent", pipelineId: "renewals", status: "resolved", resolvedBy: "userId:78", timeToFixMs: 5 * HOUR, occurredAt: MON + DAY },
  ]);
  admin = await createToken({ role: "admin" });
});

async function ids(path: string): Promise<string[]> {
  const res = await call(path, { token: admin });
  expect(res.status, path).toBe(200);
  return (await res.json<{ items: Array<{ id: string }> }>()).items.map((i) => i.id).sort();
}

async function problem(path: string): Promise<ErrorJson["error"]> {
  const res = await call(path, { token: admin });
  expect(res.status, path).toBe(400);
  return (await res.json<ErrorJson>()).error;
}

describe("filters by name", () => {
  it("take an owner's name (any case) or email, a team's name, a stage's label, a policy's or rule's description", async () => {
    expect(await ids(`/api/violations?${WINDOW}&owner=Dev%20Garcia`)).toEqual(["n1", "n2"]);
    expect(await ids(`/api/violations?${WINDOW}&owner=dev%20garcia`)).toEqual(["n1", "n2"]);
    expect(await ids(`/api/violations?${WINDOW}&owner=sam@example.com`)).toEqual(["n3"]);
    expect(await ids(`/api/violations?${WINDOW}&team=West`)).toEqual(["n3"]);
    expect(await ids(`/api/violations?${WINDOW}&stage=Contract%20Sent&pipeline=default`)).toEqual(["n1", "n2"]);
    expect(await ids(`/api/violations?${WINDOW}&policy=${encodeURIComponent("Stage entry requirements on the Sales Pipeline")}`)).toEqual(["n3"]);
    expect(await ids(`/api/violations?${WINDOW}&rule=${encodeURIComponent("A deal moves forward one stage at a time (closing won/lost may happen from any stage)")}`)).toEqual(["n1", "n2"]);
  });

  it("still take ids", async () => {
    expect(await ids(`/api/violations?${WINDOW}&owner=o-dev&team=t-east&stage=contractsent&policy=stage-discipline&rule=no-stage-skipping`)).toEqual(["n1", "n2"]);
  });

  it("answer 400 INVALID_QUERY naming each unknown name", async () => {
    const e = await problem(`/api/violations?owner=Nobody%20Here&team=North`);
    expect(e.code).toBe("INVALID_QUERY");
    expect(e.details?.map((d) => d.field).sort()).toEqual(["owner", "team"]);
    expect(e.details?.find((d) => d.field === "owner")?.message).toContain('"Nobody Here"');
    expect((await problem("/api/summary?policy=no-such-policy")).details?.[0]?.field).toBe("policy");
  });

  it("answer 400 for an ambiguous name, saying how to narrow it", async () => {
    const stage = await problem("/api/violations?stage=Contract%20Sent");
    expect(stage.details?.[0]?.message).toMatch(/names 2 stages; add pipeline=/);
    const owner = await problem("/api/violations?owner=Alex%20Kim");
    expect(owner.details?.[0]?.message).toContain("names 2 owners");
  });
});

describe("names next to ids", () => {
  it("in JSON: owner, team, the person who made the change, rule and policy descriptions", async () => {
    const res = await call(`/api/violations?${WINDOW}&owner=o-dev&status=open`, { token: admin });
    const [item] = (await res.json<{ items: Array<Record<string, unknown>> }>()).items;
    expect(item).toMatchObject({
      ownerId: "o-dev", ownerName: "Dev Garcia", teamId: "t-east", teamName: "East", actorUserId: "78", actorName: "Sam Lee",
      ruleId: "no-stage-skipping", ruleDescription: expect.stringContaining("one stage at a time"), policyDescription: "Stage progression discipline on the Sales Pipeline",
    });
  });

  it("in one violation's detail", async () => {
    const one = await (await call("/api/violations/n1", { token: admin })).json<Record<string, unknown>>();
    expect(one).toMatchObject({ ownerName: "Dev Garcia", actorName: "Sam Lee", teamName: "East" });
  });

  it("in CSV, as extra columns after the violation's fields", async () => {
    const text = await (await call(`/api/violations?format=csv&${WINDOW}&owner=Dev%20Garcia&status=open`, { token: admin })).text();
    const [header, row] = text.trim().split("\r\n");
    const cols = header?.split(",") ?? [];
    const cells = row?.split(",") ?? [];
    expect(cells[cols.indexOf("ownerName")]).toBe("Dev Garcia");
    expect(cells[cols.indexOf("actorName")]).toBe("Sam Lee");
    expect(cells[cols.indexOf("teamName")]).toBe("East");
  });

  it("in the summary, by owner, team, rule and stage", async () => {
    const s = await (await call(`/api/summary?${WINDOW}`, { token: admin })).json<Record<string, Array<Record<string, unknown>>>>();
    expect(s.byOwner).toContainEqual(expect.objectContaining({ ownerId: "o-dev", ownerName: "Dev Garcia" }));
    expect(s.byTeam).toContainEqual(expect.objectContaining({ teamId: "t-west", teamName: "West" }));
    expect(s.byStage).toContainEqual(expect.objectContaining({ stage: "contractsent", stageLabel: "Contract Sent" }));
    expect(s.byRule).toContainEqual(expect.objectContaining({ ruleId: "decision-maker-identified", ruleDescription: "Decision Maker Bought-In names the decision maker" }));
  });
});

describe("reverts are not fixes", () => {
  it("are counted apart, and time to fix counts only people's fixes (rollup and exact paths agree)", async () => {
    for (const path of [`/api/summary?${WINDOW}`, `/api/summary?${WINDOW}&policy=entry-criteria`, `/api/summary?from=2026-10-01T00:00:00Z&to=2026-10-31T00:00:00Z&team=t-west`]) {
      const s = await (await call(path, { token: admin })).json<{ resolutions: Record<string, number>; medianTimeToFixMs: number }>();
      // 5 h = 300 min: the midpoint of its bucket [300, 310) min. The 1-minute revert is not in the median.
      expect(s.medianTimeToFixMs, path).toBe(305 * 60_000);
      if (!path.includes("policy") && !path.includes("team")) expect(s.resolutions).toEqual({ byPerson: 1, byEngine: 1, byMerge: 0 });
    }
  });
});

describe("the policies index", () => {
  it("lists every shipped policy and rule with description, explain, mode, hits and a weekly trend", async () => {
    const res = await call(`/api/policies?${WINDOW}`, { token: admin });
    expect(res.status).toBe(200);
    const body = await res.json<{ policies: Array<{ id: string; description: string; rules: Array<{ id: string; description: string; explain: string | null; mode: string; total: number; weekly: Array<{ week: string; hits: number }> }> }> }>();
    expect(body.policies.map((p) => p.id).sort()).toEqual(["entry-criteria", "forecast-hygiene", "large-deal-approval", "ownership", "stage-discipline"]);
    const rules = body.policies.flatMap((p) => p.rules);
    expect(rules.length).toBeGreaterThanOrEqual(15);
    expect(rules.every((r) => r.description && (r.mode === "audit" || r.mode === "enforce"))).toBe(true);
    const skip = rules.find((r) => r.id === "no-stage-skipping");
    expect(skip?.total).toBe(2);
    expect(skip?.weekly.find((w) => w.week === "2026-10-05")?.hits).toBe(2);
    expect(rules.find((r) => r.id === "close-date-not-in-past")).toMatchObject({ total: 0, explain: "An open deal's close date is today or later" });
  });
});

describe("dashboard pages", () => {
  let cookie = "";
  beforeAll(async () => {
    cookie = await signIn(admin);
  });
  const page = async (path: string, status = 200) => {
    const res = await call(path, { cookie });
    expect(res.status, path).toBe(status);
    return res.text();
  };

  it("lists policies, and opens a policy page that has no violations", async () => {
    const index = await page("/dashboard/policies");
    expect(index).toContain("Every deal has an accountable owner");
    expect(index).toContain("An open deal&#39;s close date is today or later");
    const ownership = await page("/dashboard/policies/ownership");
    expect(ownership).toContain("A deal past Appointment Scheduled has an owner");
    await page("/dashboard/policies/no-such-policy", 404);
  });

  it("offers owners, teams and stages by name, and names who made a change beside the deal owner", async () => {
    const list = await page(`/dashboard/violations?${WINDOW}&owner=Dev%20Garcia`);
    expect(list).toMatch(/<option value="o-dev" selected="">Dev Garcia<\/option>/);
    expect(list).toContain('<option value="t-east">East</option>');
    expect(list).toContain('<optgroup label="Renewals">');
    expect(list).toContain("Sam Lee");
    expect(list).not.toContain("no-stage-skipping<");
    await page("/dashboard/violations?owner=Nobody", 400);
  });

  it("tells a revert from a fix, words the trace without CEL, and shows deal names for close-date pushes", async () => {
    const reverted = await page("/dashboard/violations/n2");
    expect(reverted).toContain("The engine moved the deal back");
    const open = await page("/dashboard/violations/n1");
    const story = /<p id="story">([\s\S]*?)<\/p>/.exec(open)?.[1] ?? "";
    expect(story).toContain("Sam Lee");
    expect(open).toMatch(/<dd id="owner">.*Dev Garcia/);
    // CEL only inside the closed "technical details" for admins.
    const visible = open.replace(/<details[\s\S]*?<\/details>/g, "");
    expect(visible).not.toContain("has(new.closedate)");
    expect(open).toContain("has(new.closedate)");
    const rep = await page(`/dashboard/reps/o-dev?${WINDOW}`);
    expect(rep).toContain("Globex Renewal");
  });
});

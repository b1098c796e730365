// The dashboard's back-test page (admins): a staged set, an uploaded file (checked first) or a recorded version,
// replayed through the back-test core over the engine's recorded history; per-rule table with the difference, weekly
// hits, affected deals linking to their deals.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { encodeJudgedChange } from "../../../src/enforcement/judged-change-codec";
import type { BuiltChange } from "../../../src/enforcement/build-change";
import { planPolicyVersion } from "../../../src/enforcement/plan-policy-version";
import { runningSetKey } from "../../../src/enforcement/read-policy-version";
import { POLICY_FILES, STAGED_POLICY_SETS } from "../../../src/generated/policies";
import { getLatestPolicyVersion, insertPolicyVersionStatements } from "../../../src/store/policy-versions";
import { insertJudgedChangeStatements } from "../../../src/store/judged-changes";
import { call, createToken, signIn } from "./fixtures";

const DAY = 86_400_000;
const MON = Date.UTC(2026, 9, 5, 12); // Monday 2026-10-05
const WINDOW = "from=2026-10-01&to=2026-10-31";
let admin = "";
let manager = "";

function move(dealId: string, name: string, from: string, to: string, at: number, extra: Record<string, string | null> = {}): BuiltChange {
  const before = { dealname: name, dealstage: from, pipeline: "default", hubspot_owner_id: "o1", amount: "5000", closedate: String(at + 30 * DAY), hs_next_step: null, ...extra };
  return {
    change: {
      dealId, kind: "updated", pipelineId: "default", fromPipelineId: "default", fromStage: from, toStage: to, changedProperties: ["dealstage"],
      old: before, new: { ...before, dealstage: to }, ownerId: "o1", ownerTeamIds: ["t1"],
      actor: { userId: "77", ownerId: "o1", teamIds: ["t1"], isDealOwner: true, isManager: false, changeSource: "CRM_UI", sourceId: "userId:77" },
      associations: { contacts: 1, companies: 1, line_items: 1 }, occurredAt: at,
    },
    stageMoved: true,
    fromEnteredAt: at - DAY,
    inboxHashes: [],
  };
}

beforeAll(async () => {
  expect(STAGED_POLICY_SETS.map((s) => s.name)).toContain("next-step");
  const changes = [
    move("bt-1", "Initech", "qualifiedtobuy", "presentationscheduled", MON),
    move("bt-2", "Hooli", "qualifiedtobuy", "presentationscheduled", MON + DAY, { hs_next_step: "Demo on Friday" }),
    move("bt-3", "Globex", "appointmentscheduled", "decisionmakerboughtin", MON + 8 * DAY, { hs_next_step: "Send terms" }),
  ];
  await env.DB.batch(insertJudgedChangeStatements(env.DB, changes.map((b) => ({ portalId: 555, dealId: b.change.dealId, occurredAt: b.change.occurredAt, kind: "stage", json: encodeJudgedChange(b) })), Date.now()));
  await env.DB.prepare("INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('o1', 'Ada Lovelace', '[\"t1\"]', 't1', 0)").run();
  admin = await createToken({ role: "admin" });
  manager = await createToken({ role: "manager" });
});

describe("back-test page", () => {
  // Every test reads the same judged changes (inserted once above) and writes nothing the others read.
  it("back-tests a staged set: the draft's new rule as new hits only, per week, with each deal linked", async () => {
    const res = await call(`/dashboard/admin/backtest?set=next-step&${WINDOW}`, { cookie: await signIn(admin) });
    expect(res.status).toBe(200);
    const html = await res.text();
    const row = /<tr[^>]*><td>A deal entering Presentation Scheduled or later has a next step[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    // Hits, deals, reps, reverts, tasks, new, no longer raised, other actions.
    expect([...row.matchAll(/<td class="num">([\d,]+)<\/td>/g)].map((m) => m[1])).toEqual(["1", "1", "1", "0", "1", "1", "0", "0"]);
    expect(html).toContain("new rule");
    expect(html).toContain('href="https://app.hubspot.com/contacts/555/record/0-3/bt-1"');
    expect(html).toContain(">Initech</a>");
    expect(html).toContain("Ada Lovelace");
    expect(html).toMatch(/id="backtest-weeks"/);
    expect(html).toMatch(/<td>2026-10-05<\/td><td class="num" data-value="\d+">\d+<\/td>/);
  });

  it("checks an uploaded file first: errors with file, line and column, nothing back-tested", async () => {
    const form = new FormData();
    form.set("name", "stage-discipline.yaml");
    form.set("policy", "apiVersion: governance/v1\nkind: DealPolicy\nid: stage-discipline\nrules:\n  - id: r\n    on: { stageEntered: Contract Sen }\n    require: [amount]\n");
    form.set("from", "2026-10-01");
    form.set("to", "2026-10-31");
    const res = await call("/dashboard/admin/backtest", { method: "POST", body: form, cookie: await signIn(admin) });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/upload\/stage-discipline\.yaml:6:\d+ rules\[0\]\.on\.stageEntered: unknown stage &quot;Contract Sen&quot; \(did you mean &quot;Contract Sent&quot;\?\)/);
    expect(html).not.toContain('id="backtest-rules"');
  });

  it("back-tests an uploaded file that passes check, replacing the active file of the same name", async () => {
    const staged = STAGED_POLICY_SETS.find((s) => s.name === "next-step")?.files.find((f) => f.path.endsWith("next-step-hygiene.yaml"));
    const form = new FormData();
    form.set("file", new File([staged?.text.replace("mode: warn", "mode: enforce") ?? ""], "next-step-hygiene.yaml"));
    form.set("from", "2026-10-01");
    form.set("to", "2026-10-31");
    const html = await (await call("/dashboard/admin/backtest", { method: "POST", body: form, cookie: await signIn(admin) })).text();
    expect(html).toContain("uploaded next-step-hygiene.yaml");
    expect(html).toMatch(/next-step-from-presentation[\s\S]*?badge-enforce/);
  });

  it("back-tests a recorded version against the one before it", async () => {
    const record = async (files: typeof POLICY_FILES, setVersion: string, at: number) => {
      const plan = planPolicyVersion({ running: { key: runningSetKey(setVersion, null), setVersion, files, override: null, bundle: null }, latest: await getLatestPolicyVersion(env.DB) }, at);
      if (plan?.write) await env.DB.batch(insertPolicyVersionStatements(env.DB, plan.write));
      return plan?.write?.id ?? "";
    };
    await record(POLICY_FILES, "before", MON - 10 * DAY);
    const id = await record(STAGED_POLICY_SETS[0]?.files ?? [], "after", MON + 20 * DAY);
    const html = await (await call(`/dashboard/admin/backtest?version=${id}&${WINDOW}`, { cookie: await signIn(admin) })).text();
    expect(html).toContain("the version before it");
    expect(html).toMatch(/1 new, 0 no longer raised/);
    // The policy page back-tests its latest changes inline, on the 4 weeks before each.
    const page = await (await call("/dashboard/policies/next-step-hygiene", { cookie: await signIn(admin) })).text();
    expect(page).toMatch(/On the 4 weeks before it, against the version before: <strong>1 new hit<\/strong>, 0 no longer raised, 0 with other actions/);
    expect(page).toContain(`/dashboard/admin/backtest?version=${id}&amp;from=`);
  });

  it("is for admins only", async () => {
    const res = await call(`/dashboard/admin/backtest?set=next-step&${WINDOW}`, { cookie: await signIn(manager) });
    expect(res.status).toBe(403);
  });

  it("says so for a staged set this deploy doesn't have", async () => {
    const res = await call(`/dashboard/admin/backtest?set=nope&${WINDOW}`, { cookie: await signIn(admin) });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("there is no staged set");
  });
});

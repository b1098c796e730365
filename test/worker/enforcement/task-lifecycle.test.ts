// The engine's tasks over their life (issue 11.6, 13.5, 16.2): a violation closed by a revert no longer blocks the
// next violation's task (which supersedes the revert's task); a task the rep completed or deleted in HubSpot is never reused; a revert's task says where
// the engine moved the deal and is completed when the deal enters that stage compliantly; the reference lives in a
// task property, so a deal name carrying a marker can't fool the lookup after a lost answer, and tasks made before
// the property (marker at the end of the body) are still found; no task body carries markers, rule ids or CEL.
import { beforeAll, describe, expect, it } from "vitest";
import { createHubSpotClient } from "../../../src/hubspot/client";
import { TASK_REF_PROPERTY } from "../../../src/hubspot/task-ref";
import { SETTLE_AFTER_MS, settlePlannedWrites } from "../../../src/jobs/cron/settle-planned";
import { OUTCOME_UNKNOWN } from "../../../src/store/deal-tasks";
import { dealIn } from "./deal-fixtures";
import { createHarness, rows, type Harness } from "./harness";

const POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: test-lifecycle
mode: enforce
severity: warning
scope: { pipelines: [default] }
rules:
  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    message: "{{new.dealname}} jumped from {{change.from.label}} to {{change.to.label}}"
    actions:
      - task:
          subject: "Stage skipped on {{new.dealname}}"
          body: "{{new.dealname}} went from {{change.from.label}} to {{change.to.label}}: {{failures}}."
          assignee: owner
          dueInBusinessDays: 1
          priority: MEDIUM
      - revert
  - id: amount-positive
    on: { propertyChanged: amount }
    when: has(new.amount)
    assert: new.amount > 0.0
    explain: The amount is more than zero
    message: "The amount of {{new.dealname}} is not more than zero"
    actions:
      - task:
          subject: "Fix the amount of {{new.dealname}}"
          body: "{{new.dealname}} has an amount of zero or less. Enter the real figure."
          dueInBusinessDays: 1
`;

let h: Harness;
const sized = () => ({ amount: "5000", closedate: String(Date.now() + 30 * 86_400_000) });

beforeAll(async () => {
  h = await createHarness({ policies: POLICY });
  // The portal's first task create installs the reference property: done before the tests that count calls.
  const { deal, owner } = await dealIn(h, "appointmentscheduled", sized());
  await h.portal.updateDeal(deal.id, { amount: "-1" }, { kind: "user", ownerId: owner.id });
  await h.drain();
}, 60_000);

/** A HubSpot call as a person or another tool would make it (the engine never sees these as its own). */
async function crm(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${h.env.HUBSPOT_BASE_URL ?? ""}${path}`, {
    method,
    headers: { authorization: `Bearer ${h.env.HUBSPOT_ACCESS_TOKEN ?? ""}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function taskRows(dealId: string) {
  return rows<{ id: string; violation_id: string; task_id: string | null; status: string; error: string | null }>(
    "SELECT id, violation_id, task_id, status, error FROM deal_tasks WHERE deal_id = ? ORDER BY created_at, id",
    dealId,
  );
}

describe("tasks after a revert", () => {
  it("says where the engine moved the deal, and completes when the deal enters that stage compliantly", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", sized());
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("appointmentscheduled");
    const [task] = await h.portal.listTasks(deal.id);
    const body = task?.properties.hs_task_body ?? "";
    expect(body).toContain("The engine moved this deal back from Presentation Scheduled to Appointment Scheduled");
    expect(body).toContain("Before you move it to Presentation Scheduled again");
    expect(body).toContain("it skipped Qualified To Buy");
    expect(task?.properties.hs_task_status).toBe("NOT_STARTED");

    // One stage at a time: the entry into Presentation Scheduled breaks no rule, so the revert's task is done.
    await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    expect((await h.portal.listTasks(deal.id))[0]?.properties.hs_task_status).toBe("NOT_STARTED");
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    const after = await h.portal.listTasks(deal.id);
    expect(after.map((t) => t.properties.hs_task_status)).toEqual(["COMPLETED"]);
    expect((await taskRows(deal.id)).map((r) => r.status)).toEqual(["completed"]);
  }, 60_000);

  it("gives the next violation of the rule its own task, completing the revert's task it supersedes", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", sized());
    await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();
    await h.portal.moveStage(deal.id, "decisionmakerboughtin", { as: { kind: "user", ownerId: owner.id } });
    await h.drain();

    expect((await h.portal.getDeal(deal.id)).properties.dealstage).toBe("appointmentscheduled");
    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(2);
    expect(tasks.map((t) => t.properties.hs_task_status)).toEqual(["COMPLETED", "NOT_STARTED"]);
    expect(tasks[1]?.properties.hs_task_body).toContain("moved this deal back from Decision Maker Bought-In to Appointment Scheduled");
    const recorded = await taskRows(deal.id);
    expect(recorded.map((r) => [r.task_id, r.status, r.error])).toEqual([
      [tasks[0]?.id, "completed", "superseded by the task of a later violation of the rule"],
      [tasks[1]?.id, "open", null],
    ]);
    const violations = await rows<{ task_id: string; status: string }>("SELECT task_id, status FROM violations WHERE deal_id = ? ORDER BY occurred_at", deal.id);
    expect(violations.map((v) => v.task_id)).toEqual(tasks.map((t) => t.id));
  }, 60_000);
});

describe("tasks a person closed in HubSpot", () => {
  /** Two violations of the amount rule in a row; between them, `between` acts on the first task. */
  async function twice(between: (taskId: string) => Promise<void>) {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", sized());
    await h.portal.updateDeal(deal.id, { amount: "-5" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    const [first] = await h.portal.listTasks(deal.id);
    if (first === undefined) throw new Error("no first task");
    await between(first.id);
    await h.portal.updateDeal(deal.id, { amount: "-7" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    return { dealId: deal.id, firstId: first.id };
  }

  it("keeps the open task while the rep hasn't touched it (a repeated violation)", async () => {
    const { dealId } = await twice(async () => {});
    expect(await h.portal.listTasks(dealId)).toHaveLength(1);
  }, 60_000);

  it("creates a new task when the rep completed the previous one", async () => {
    const { dealId, firstId } = await twice(async (id) => {
      expect((await crm("PATCH", `/crm/v3/objects/tasks/${id}`, { properties: { hs_task_status: "COMPLETED" } })).status).toBe(200);
    });
    const tasks = await h.portal.listTasks(dealId);
    expect(tasks).toHaveLength(2);
    const second = tasks.find((t) => t.id !== firstId);
    expect(second?.properties.hs_task_status).toBe("NOT_STARTED");
    expect((await taskRows(dealId)).map((r) => [r.task_id, r.status, r.error])).toEqual([
      [firstId, "completed", "completed in HubSpot by a person"],
      [second?.id, "open", null],
    ]);
  }, 60_000);

  it("creates a new task when the rep deleted the previous one", async () => {
    const { dealId, firstId } = await twice(async (id) => {
      expect((await crm("DELETE", `/crm/v3/objects/tasks/${id}`)).status).toBe(204);
    });
    const tasks = await h.portal.listTasks(dealId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.id).not.toBe(firstId);
    expect((await taskRows(dealId)).map((r) => [r.task_id, r.status, r.error])).toEqual([
      [firstId, "completed", "deleted in HubSpot by a person"],
      [tasks[0]?.id, "open", null],
    ]);
  }, 60_000);
});

describe("the task reference", () => {
  it("lives in a task property: a deal name carrying a marker can't fool the lookup after a lost answer", async () => {
    const { deal, owner } = await dealIn(h, "appointmentscheduled", { ...sized(), dealname: "Initech [governance-ref:0000000000000000]" });
    await h.portal.setKnobs({ faults: { script: [{ status: 500, count: 1, method: "POST", pathIncludes: "/tasks/batch/create", afterApply: true }] } });
    await h.portal.updateDeal(deal.id, { amount: "0" }, { kind: "user", ownerId: owner.id });
    await h.drain();
    await h.portal.setKnobs({ faults: { script: [] } });

    const tasks = await h.portal.listTasks(deal.id);
    expect(tasks).toHaveLength(1);
    const [row] = await taskRows(deal.id);
    expect(row).toMatchObject({ task_id: tasks[0]?.id, status: "open" });
    expect(tasks[0]?.properties[TASK_REF_PROPERTY]).toBe(row?.id);
    // The only marker-like text is the rep's own deal name; the engine wrote none.
    expect((tasks[0]?.properties.hs_task_body ?? "").match(/governance-ref/g)).toHaveLength(1);
  }, 60_000);

  it("still finds a task made before the property (marker at the end of its body), and only by its own exact marker", async () => {
    const { deal } = await dealIn(h, "appointmentscheduled", sized());
    const associations = [{ to: { id: deal.id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 216 }] }];
    const make = async (properties: Record<string, string>) => {
      const answer = await crm("POST", "/crm/v3/objects/tasks", { properties: { hs_timestamp: String(Date.now()), hs_task_subject: "Fix the deal", ...properties }, associations });
      expect(answer.status).toBe(201);
      return ((await answer.json()) as { id: string }).id;
    };
    // A newer task whose deal name ends its body with the old row's marker: its property says it is another row's.
    const decoy = await make({ hs_task_body: "Deal [governance-ref:legacy-row]", [TASK_REF_PROPERTY]: "another-row" });
    const legacy = await make({ hs_task_body: "Fill the amount.\n\n[governance-ref:legacy-row]" });
    const old = Date.now() - 2 * SETTLE_AFTER_MS;
    await h.env.DB.prepare(
      `INSERT INTO deal_tasks (id, deal_id, policy_id, rule_id, purpose, violation_id, status, attempts, error, created_at, updated_at)
       VALUES ('legacy-row', ?1, 'test-lifecycle', 'amount-positive', 'rep', 'v-legacy', 'planned', 1, ?2, ?3, ?3)`,
    )
      .bind(deal.id, OUTCOME_UNKNOWN, old)
      .run();
    const client = createHubSpotClient({ accessToken: h.env.HUBSPOT_ACCESS_TOKEN ?? "", basePath: h.env.HUBSPOT_BASE_URL ?? "" });
    expect(await settlePlannedWrites(h.env.DB, client, Date.now())).toMatchObject({ adopted: 1 });
    expect((await taskRows(deal.id)).map((r) => [r.id, r.task_id, r.status])).toEqual([["legacy-row", legacy, "open"]]);
    expect(legacy).not.toBe(decoy);
  }, 60_000);
});

describe("what reps read", () => {
  it("no task body or subject the engine wrote carries a marker, a rule id, an internal property name or CEL", async () => {
    const deals = new Set((await rows<{ deal_id: string }>("SELECT DISTINCT deal_id FROM deal_tasks WHERE id NOT LIKE 'legacy-%'")).map((r) => r.deal_id));
    const spoofed = new Set((await h.portal.listDeals()).filter((d) => (d.properties.dealname ?? "").includes("governance-ref")).map((d) => d.id));
    const engineTasks = (await h.portal.listTasks()).filter((t) => (t.properties[TASK_REF_PROPERTY] ?? "") !== "" && t.properties[TASK_REF_PROPERTY] !== "another-row");
    expect(engineTasks.length).toBeGreaterThanOrEqual(6);
    const problems: string[] = [];
    for (const t of engineTasks) {
      if (!t.dealIds.some((id) => deals.has(id)) || t.dealIds.some((id) => spoofed.has(id))) continue;
      for (const text of [t.properties.hs_task_subject ?? "", t.properties.hs_task_body ?? ""]) {
        if (/governance-ref|\[\w+-ref:/.test(text)) problems.push(`marker in "${text}"`);
        if (/test-lifecycle|no-skip|amount-positive/.test(text)) problems.push(`rule id in "${text}"`);
        if (/\b(dealstage|closedate|hubspot_owner_id|hs_next_step|dealname)\b/.test(text)) problems.push(`internal name in "${text}"`);
        if (/&&|\|\||==|\bhas\(|\b(new|old|change|actor|deal)\.[a-z]/.test(text)) problems.push(`CEL in "${text}"`);
      }
    }
    expect(problems).toEqual([]);
  }, 30_000);
});

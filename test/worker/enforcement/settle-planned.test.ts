// No stuck rows (issue 16.2): a task row left `planned` after a create whose answer was lost, once no retry is left,
// is settled by the cron's sweep — the task HubSpot made is adopted, a missing one marks the row failed so the next
// violation gets its own task; a planned revert is done when the deal is at its target, failed otherwise.
import { beforeAll, describe, expect, it } from "vitest";
import { createHubSpotClient } from "../../../src/hubspot/client";
import { OUTCOME_UNKNOWN } from "../../../src/store/deal-tasks";
import { SETTLE_AFTER_MS, settlePlannedWrites } from "../../../src/jobs/cron/settle-planned";
import { dealIn } from "./deal-fixtures";
import { createHarness, enforcePolicy, rows, type Harness } from "./harness";

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ policies: enforcePolicy("enforce") });
}, 30_000);

async function violate(): Promise<string> {
  const { deal, owner } = await dealIn(h, "appointmentscheduled");
  await h.portal.moveStage(deal.id, "qualifiedtobuy", { as: { kind: "user", ownerId: owner.id } });
  await h.portal.moveStage(deal.id, "presentationscheduled", { as: { kind: "user", ownerId: owner.id } });
  await h.drain();
  return deal.id;
}

describe("settling planned rows", () => {
  it("adopts the task a lost create made, and fails a planned row with no task, unblocking the rule", async () => {
    const adopted = await violate();
    const missing = await violate();
    const [task] = await h.portal.listTasks(adopted);
    const old = Date.now() - 2 * SETTLE_AFTER_MS;
    // As a create whose answer never came leaves them, with every retry spent.
    await h.env.DB.prepare("UPDATE deal_tasks SET status = 'planned', task_id = NULL, attempts = 1, error = ?1, updated_at = ?2 WHERE deal_id IN (?3, ?4)")
      .bind(OUTCOME_UNKNOWN, old, adopted, missing)
      .run();
    // The second row's task is not in HubSpot under its reference.
    await h.env.DB.prepare("UPDATE deal_tasks SET id = 'no-such-ref' WHERE deal_id = ?1").bind(missing).run();
    const client = createHubSpotClient({ accessToken: h.env.HUBSPOT_ACCESS_TOKEN ?? "", basePath: h.env.HUBSPOT_BASE_URL ?? "" });
    const result = await settlePlannedWrites(h.env.DB, client, Date.now());
    expect(result).toMatchObject({ adopted: 1, tasksFailed: 1 });
    const after = await rows<{ deal_id: string; status: string; task_id: string | null }>("SELECT deal_id, status, task_id FROM deal_tasks WHERE deal_id IN (?, ?) ORDER BY deal_id = ?", adopted, missing, missing);
    expect(after).toEqual([
      { deal_id: adopted, status: "open", task_id: task?.id },
      { deal_id: missing, status: "failed", task_id: null },
    ]);
    // A second sweep finds nothing left to settle.
    expect(await settlePlannedWrites(h.env.DB, client, Date.now())).toEqual({ adopted: 0, tasksFailed: 0, revertsDone: 0, revertsFailed: 0 });
  }, 60_000);

  it("a fresh planned row is left to its message's retries", async () => {
    const dealId = await violate();
    await h.env.DB.prepare("UPDATE deal_tasks SET status = 'planned', attempts = 1, error = ?1, updated_at = ?2 WHERE deal_id = ?3").bind(OUTCOME_UNKNOWN, Date.now(), dealId).run();
    const client = createHubSpotClient({ accessToken: h.env.HUBSPOT_ACCESS_TOKEN ?? "", basePath: h.env.HUBSPOT_BASE_URL ?? "" });
    expect((await settlePlannedWrites(h.env.DB, client, Date.now())).adopted).toBe(0);
    expect(await rows<{ status: string }>("SELECT status FROM deal_tasks WHERE deal_id = ?", dealId)).toEqual([{ status: "planned" }]);
  }, 60_000);
});

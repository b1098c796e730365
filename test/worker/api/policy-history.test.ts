// The policy pages and API with rollout evidence: the set's version history (who, when, which rule's mode or text
// changed, the line diff) and warn-mode hits (their undone reverts in "what enforce would have done", the mode filter).
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { planPolicyVersion } from "../../../src/enforcement/plan-policy-version";
import { runningSetKey } from "../../../src/enforcement/read-policy-version";
import { POLICY_FILES } from "../../../src/generated/policies";
import { getLatestPolicyVersion, insertPolicyVersionStatements } from "../../../src/store/policy-versions";
import { call, createToken, insertViolations, signIn } from "./fixtures";

const WED = Date.UTC(2026, 9, 7, 12);
const WINDOW = "from=2026-09-01&to=2026-10-31";
const BUNDLE = { bundledAt: WED, commit: "0123456789abcdef", author: "Rita RevOps", committedAt: WED - 3_600_000, subject: "no-stage-skipping to warn", dirty: false, bundledBy: "ci" };
// The shipped set with no-stage-skipping in warn mode and closed-lost-needs-reason's text changed.
const WARNED = POLICY_FILES.map((f) => ({
  ...f,
  text: f.text.replace("  - id: no-stage-skipping\n", "  - id: no-stage-skipping\n    mode: warn\n").replace("Every lost deal says why (imports and workflows are exempt)", "Closed Lost needs a reason, in words"),
}));
let admin = "";

async function recordVersion(files: typeof POLICY_FILES, setVersion: string, bundle: typeof BUNDLE | null, at: number): Promise<void> {
  const latest = await getLatestPolicyVersion(env.DB);
  const plan = planPolicyVersion({ running: { key: runningSetKey(setVersion, null), setVersion, files, override: null, bundle }, latest }, at);
  if (plan?.write) await env.DB.batch(insertPolicyVersionStatements(env.DB, plan.write));
}

beforeAll(async () => {
  expect(WARNED.some((f, i) => f.text !== POLICY_FILES[i]?.text)).toBe(true);
  await recordVersion(POLICY_FILES, "set-one", null, WED - 7 * 86_400_000);
  await recordVersion(WARNED, "set-two", BUNDLE, WED);
  await insertViolations([
    { id: "w1", policyId: "stage-discipline", ruleId: "no-stage-skipping", mode: "warn", occurredAt: WED + 3_600_000, actions: [{ type: "task", outcome: "done" }, { type: "revert", outcome: "would-run" }] },
    { id: "e1", policyId: "stage-discipline", ruleId: "no-stage-skipping", mode: "enforce", occurredAt: WED - 86_400_000, actions: [{ type: "revert", outcome: "done" }] },
  ]);
  admin = await createToken({ role: "admin" });
});

type History = Array<{ setVersion: string; author: string | null; commit: string | null; changes: Array<{ policyId: string; ruleId: string; kind: string; modeBefore: string | null; modeAfter: string | null; textAfter: string | null }> }>;

describe("version history", () => {
  it("GET /api/policies lists the versions newest first with each rule's difference and who made it", async () => {
    const index = await (await call(`/api/policies?${WINDOW}`, { token: admin })).json<{ history: History }>();
    expect(index.history.map((v) => v.setVersion)).toEqual(["set-two", "set-one"]);
    const [latest, first] = index.history;
    expect([latest?.author, latest?.commit]).toEqual(["Rita RevOps", "0123456789abcdef"]);
    expect(latest?.changes.map((c) => [c.policyId, c.ruleId, c.kind, c.modeBefore, c.modeAfter])).toEqual([
      ["entry-criteria", "closed-lost-needs-reason", "text", "audit", "audit"],
      ["stage-discipline", "no-stage-skipping", "mode", "audit", "warn"],
    ]);
    expect(first?.changes.every((c) => c.kind === "added")).toBe(true);
  });

  it("GET /api/policies/{id} keeps the versions and changes of that policy only", async () => {
    const body = await (await call(`/api/policies/stage-discipline?${WINDOW}`, { token: admin })).json<{ history: History; wouldHaveDone: Array<{ ruleId: string; action: string; count: number }> }>();
    expect(body.history.map((v) => [v.setVersion, v.changes.map((c) => c.ruleId).filter((r) => r === "no-stage-skipping")])).toEqual([["set-two", ["no-stage-skipping"]], ["set-one", ["no-stage-skipping"]]]);
    expect(body.history[0]?.changes.map((c) => c.policyId)).toEqual(["stage-discipline"]);
    // Warn mode did the task; only its revert is what enforce would have added.
    expect(body.wouldHaveDone).toEqual([{ ruleId: "no-stage-skipping", action: "revert", count: 1 }]);
  });

  it("the policy page shows who changed which rule, the modes before and after, and the text diff", async () => {
    const cookie = await signIn(admin);
    const html = await (await call(`/dashboard/policies/entry-criteria?${WINDOW}`, { cookie })).text();
    expect(html).toContain("Version history");
    expect(html).toContain("commit 0123456789 by Rita RevOps");
    expect(html).toContain("text changed");
    expect(html).toMatch(/class="diff-added">\+ description: Closed Lost needs a reason, in words/);
    const index = await (await call(`/dashboard/policies?${WINDOW}`, { cookie })).text();
    expect(index).toContain("mode changed");
    expect(index).toMatch(/badge-audit">audit<\/span> → <span class="badge badge-warn">warn/);
  });

  it("the violations list filters warn-mode hits", async () => {
    const list = await (await call(`/api/violations?${WINDOW}&mode=warn`, { token: admin })).json<{ items: Array<{ id: string; mode: string }> }>();
    expect(list.items.map((v) => [v.id, v.mode])).toEqual([["w1", "warn"]]);
  });
});

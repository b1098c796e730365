// `policies native plan|apply|drift` against the simulator: the diff, an idempotent apply, drift detection, and
// refusal of native+engine rules HubSpot can't enforce.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { SimClient, type SimPortal } from "../../sim/client";
import { NATIVE_GATES_POLICY } from "../../test/fixtures/native-policies";
import { runCli } from "./cli";
import type { CliIO } from "./io";
import { DRIFT_EXIT } from "./native";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const temps: string[] = [];

function capture(): CliIO & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), text: () => [...stdout, ...stderr].join("\n") };
}

function policyDir(extra: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "native-"));
  temps.push(dir);
  cpSync(path.join(ROOT, "policies"), dir, { recursive: true });
  for (const [name, text] of Object.entries(extra)) writeFileSync(path.join(dir, name), text);
  return dir;
}

let portal: SimPortal;
let args: string[];
beforeEach(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal();
  await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 0 });
  args = ["--portal", inject("simUrl"), "--token", portal.info.accessToken];
});
afterEach(async () => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
  await portal.destroy();
});

async function rulesOnPortal(): Promise<unknown> {
  const res = await fetch(`${inject("simUrl")}/crm/pipelines-rules/2026-09-beta/0-3/default`, { headers: { authorization: `Bearer ${portal.info.accessToken}` } });
  return res.json();
}

describe("policies native plan", () => {
  it("prints the diff per pipeline and lists each engine-only rule with why", async () => {
    const dir = policyDir({ "native-gates.yaml": NATIVE_GATES_POLICY });
    const io = capture();
    expect(await runCli(["native", "plan", dir, ...args], io)).toBe(0);
    const out = io.text();
    expect(out).toContain("Sales Pipeline (default)");
    expect(out).toContain("  ~ no skipping stages: off → Qualified To Buy, Presentation Scheduled, Decision Maker Bought-In, Contract Sent");
    expect(out).toMatch(/ {2}~ approval gate: none → before Contract Sent, ANY of users 5000001, when /);
    expect(out).toContain("native-gates/one-stage-at-a-time: Sales Pipeline: no skipping stages");
    expect(out).toContain("stage-discipline/no-silent-backward-moves: a CEL condition (when: !(\"hs_next_step\" in change.properties))");
    expect(out).toContain("2 differences");
    // plan writes nothing
    expect(await rulesOnPortal()).toMatchObject({ governanceValidationRules: { noSkippingStagesRule: null }, approvalStage: null });
  });

  it("without a portal shows the desired configuration", async () => {
    const io = capture();
    expect(await runCli(["native", "plan", policyDir({ "native-gates.yaml": NATIVE_GATES_POLICY })], io)).toBe(0);
    expect(io.text()).toContain("  + no skipping stages: Qualified To Buy");
  });
});

describe("policies native apply and drift", () => {
  it("applies once, then has nothing to apply; drift is clean, then catches a change made in HubSpot", async () => {
    const dir = policyDir({ "native-gates.yaml": NATIVE_GATES_POLICY });
    const first = capture();
    expect(await runCli(["native", "apply", dir, ...args], first)).toBe(0);
    expect(first.text()).toContain("✓ PUT rules of Sales Pipeline");
    expect(first.text()).toContain("the portal is in sync");
    expect(await rulesOnPortal()).toMatchObject({
      governanceValidationRules: { noSkippingStagesRule: { enabledForAllStages: false, pipelineStageIds: ["qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent"] } },
      approvalStage: { pipelineStageId: "contractsent", approvalMode: "ANY", approverUserIds: ["5000001"] },
    });
    await portal.clearCalls();
    const second = capture();
    expect(await runCli(["native", "apply", dir, ...args], second)).toBe(0);
    expect(second.text()).toContain("✓ nothing to apply");
    expect((await portal.calls()).filter((c) => c.method !== "GET")).toEqual([]);
    const clean = capture();
    expect(await runCli(["native", "drift", dir, ...args], clean)).toBe(0);
    expect(clean.text()).toContain("✓ no drift");
    // An admin turns the skip rule off in HubSpot's settings.
    const patched = await fetch(`${inject("simUrl")}/crm/pipelines-rules/2026-09-beta/0-3/default`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${portal.info.accessToken}`, "content-type": "application/json" },
      body: JSON.stringify({ noSkippingStagesRule: { enabledForAllStages: false, pipelineStageIds: [] } }),
    });
    expect(patched.status).toBe(200);
    const drift = capture();
    expect(await runCli(["native", "drift", dir, ...args], drift)).toBe(DRIFT_EXIT);
    expect(drift.text()).toContain("~ no skipping stages: off → Qualified To Buy");
  });

  it("apply and drift need a portal", async () => {
    const io = capture();
    expect(await runCli(["native", "apply", policyDir({})], io)).toBe(2);
    expect(io.stderr[0]).toContain("needs --portal");
  });
});

describe("check refuses native+engine rules HubSpot can't enforce", () => {
  it("exit 1 with file:line:col and the reason", async () => {
    const bad = NATIVE_GATES_POLICY.replace("    transition: { maxSkip: 0 }", "    transition: { maxSkip: 0 }\n    when: has(new.amount)");
    const dir = policyDir({ "native-gates.yaml": bad });
    const io = capture();
    expect(await runCli(["check", dir], io)).toBe(1);
    expect(io.stderr[0]).toBe(`${path.join(dir, "native-gates.yaml")}:10:18 rules[0].enforcement: HubSpot's pipeline rules can't enforce this rule: a CEL condition (when: has(new.amount)) (use enforcement: engine)`);
  });
});

// The policy CLI end to end: exit codes and messages for check, test, explain, pull-portal and the bundle step.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, inject, it } from "vitest";
import { SimClient } from "../../sim/client";
import { createHubSpotClient } from "../../src/hubspot/client";
import { installGovernanceProperties } from "../../src/hubspot/governance-properties";
import { writeBundle } from "./bundle";
import { runCli } from "./cli";
import type { CliIO } from "./io";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const SHIPPED = path.join(ROOT, "policies");
const temps: string[] = [];

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** A copy of the shipped policies/ in a temp dir, optionally with extra or replaced files. */
function policyDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "policies-"));
  temps.push(dir);
  cpSync(SHIPPED, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const BAD_POLICY = `apiVersion: governance/v1
kind: DealPolicy
id: enterprise
rules:
  - id: a
    on: { stageEntered: Contract Sent }
    require: [amount, amout]
`;

describe("policies check", () => {
  it("passes the shipped set (exit 0) and says what it checked", async () => {
    const io = capture();
    expect(await runCli(["check", SHIPPED], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/✓ 5 policies, 20 rules checked against .*portal\.yaml/);
  });
  it("fails (exit 1) with file:line:col, the field path and a suggestion", async () => {
    const dir = policyDir({ "enterprise.yaml": BAD_POLICY });
    const io = capture();
    expect(await runCli(["check", dir], io)).toBe(1);
    expect(io.stderr[0]).toBe(`${path.join(dir, "enterprise.yaml")}:7:23 rules[0].require[1]: unknown property "amout" (did you mean "amount"?)`);
    expect(io.stderr.at(-1)).toBe("✗ 1 error in 6 files");
  });
  it("fails without a portal snapshot", async () => {
    const dir = policyDir();
    rmSync(path.join(dir, "portal.yaml"));
    const io = capture();
    expect(await runCli(["check", dir], io)).toBe(1);
    expect(io.stderr.join("\n")).toContain("missing portal snapshot");
  });
  it("a real process exits non-zero on a bad policy", () => {
    const dir = policyDir({ "enterprise.yaml": BAD_POLICY });
    const run = spawnSync(process.execPath, ["--import", "tsx", "tools/policies/cli.ts", "check", dir], { cwd: ROOT, encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('unknown property "amout" (did you mean "amount"?)');
  });
});

describe("policies check --portal (live names, against the simulator)", () => {
  const renewals = `  - id: "75e28846"\n    label: Renewals\n    displayOrder: 1\n    stages:\n      - { id: "1001", label: Renewal Identified, displayOrder: 0, isClosed: false, probability: 0.3 }\n`;
  const renewalPolicy = "apiVersion: governance/v1\nkind: DealPolicy\nid: renewals\nscope: { pipelines: [Renewals] }\nrules:\n  - id: r\n    on: { stageEntered: Renewal Identified }\n    require: [amount]\n";

  it("checks pipelines, stages and properties live (the simulator serves /crm/v3/properties/deals)", async () => {
    const portal = await new SimClient(inject("simUrl")).createPortal();
    const io = capture();
    expect(await runCli(["check", SHIPPED, "--portal", inject("simUrl"), "--token", portal.info.accessToken], io)).toBe(0);
    expect(io.stdout.join("\n")).not.toContain("note:");
    expect(io.stdout.join("\n")).toContain(`checked against ${inject("simUrl")}`);
    await portal.destroy();
  });

  it("reports the governance properties missing, then in place once installed", async () => {
    const portal = await new SimClient(inject("simUrl")).createPortal();
    const before = capture();
    expect(await runCli(["check", SHIPPED, "--portal", inject("simUrl"), "--token", portal.info.accessToken], before)).toBe(0);
    expect(before.stdout.join("\n")).toContain("! governance property governance_status: missing in the portal (run npm run ops -- install-properties)");
    const installed = await installGovernanceProperties(createHubSpotClient({ accessToken: portal.info.accessToken, basePath: inject("simUrl") }));
    expect(installed.ok).toBe(true);
    const after = capture();
    expect(await runCli(["check", SHIPPED, "--portal", inject("simUrl"), "--token", portal.info.accessToken], after)).toBe(0);
    expect(after.stdout.join("\n")).toContain("✓ governance properties (deal_governance group) in place");
    expect(after.stdout.join("\n")).not.toContain("! governance property");
    await portal.destroy();
  });
  it("a property that exists only in the snapshot fails against the live portal", async () => {
    const policy = "apiVersion: governance/v1\nkind: DealPolicy\nid: snap\nrules:\n  - id: r\n    on: { stageEntered: Contract Sent }\n    require: [legal_review]\n";
    const dir = policyDir({ "snap.yaml": policy });
    const snapshot = readFileSync(path.join(dir, "portal.yaml"), "utf8").replace("properties:\n", "properties:\n  - { name: legal_review, type: string, label: Legal review }\n");
    writeFileSync(path.join(dir, "portal.yaml"), snapshot);
    expect(await runCli(["check", dir], capture())).toBe(0);
    const portal = await new SimClient(inject("simUrl")).createPortal();
    const io = capture();
    expect(await runCli(["check", dir, "--portal", inject("simUrl"), "--token", portal.info.accessToken], io)).toBe(1);
    expect(io.stderr.join("\n")).toContain('unknown property "legal_review"');
    await portal.destroy();
  });
  it("a stage that exists only in the snapshot fails against the live portal", async () => {
    const dir = policyDir({ "renewals.yaml": renewalPolicy });
    const snapshot = readFileSync(path.join(dir, "portal.yaml"), "utf8").replace("properties:\n", `${renewals}properties:\n`);
    writeFileSync(path.join(dir, "portal.yaml"), snapshot);
    expect(await runCli(["check", dir], capture())).toBe(0);
    const portal = await new SimClient(inject("simUrl")).createPortal();
    const io = capture();
    expect(await runCli(["check", dir, "--portal", inject("simUrl"), "--token", portal.info.accessToken], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/renewals\.yaml:4:22 scope\.pipelines\[0\]: unknown pipeline "Renewals"/);
    await portal.destroy();
  });
  it("a wrong token is a clear error", async () => {
    const io = capture();
    expect(await runCli(["check", SHIPPED, "--portal", inject("simUrl"), "--token", "nope"], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/GET \/crm\/v3\/pipelines\/deals → 401/);
  });
});

describe("policies pull-portal", () => {
  it("rewrites portal.yaml from the live pipelines and properties", async () => {
    const dir = policyDir();
    const portal = await new SimClient(inject("simUrl")).createPortal();
    const io = capture();
    expect(await runCli(["pull-portal", dir, "--portal", inject("simUrl"), "--token", portal.info.accessToken], io)).toBe(0);
    const text = readFileSync(path.join(dir, "portal.yaml"), "utf8");
    expect(text).toContain('{ id: "contractsent", label: "Contract Sent", displayOrder: 4, isClosed: false, probability: 0.9 }');
    expect(text).toContain('{ name: "manager_approved", type: bool');
    expect(await runCli(["check", dir], capture())).toBe(0);
    await portal.destroy();
  });
  it("needs --portal and --token (exit 2)", async () => {
    expect(await runCli(["pull-portal"], capture())).toBe(2);
  });
});

describe("policies test", () => {
  it("runs every policy test; every shipped rule has a failing and a passing case", async () => {
    const io = capture();
    expect(await runCli(["test", SHIPPED, "--require-coverage"], io)).toBe(0);
    expect(io.stdout.at(-1)).toMatch(/^✓ \d+ passed, 0 failed; every rule has a failing and a passing case$/);
  });
  it("a wrong expectation fails the run (exit 1) and says why", async () => {
    const dir = policyDir();
    const file = path.join(dir, "tests", "entry-criteria.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("missing: [decision_maker] }\n  - name: Decision Maker Bought-In with", "missing: [amount] }\n  - name: Decision Maker Bought-In with"));
    const io = capture();
    expect(await runCli(["test", dir], io)).toBe(1);
    expect(io.stdout.join("\n")).toContain("decision-maker-identified: missing [decision_maker], expected [amount]");
  });
  it("missing coverage fails only with --require-coverage", async () => {
    const dir = policyDir();
    rmSync(path.join(dir, "tests", "ownership.yaml"));
    expect(await runCli(["test", dir], capture())).toBe(0);
    const io = capture();
    expect(await runCli(["test", dir, "--require-coverage"], io)).toBe(1);
    expect(io.stdout.join("\n")).toContain("coverage: ownership/owner-moves-own-deals: no failing case, no passing case");
  });
});

describe("policies explain", () => {
  it("prints each rule's verdict and trace for one change", async () => {
    const change = JSON.stringify({ from: "Appointment Scheduled", to: "Contract Sent", old: { dealname: "Acme", amount: "75000" } });
    const io = capture();
    expect(await runCli(["explain", path.join(SHIPPED, "large-deal-approval.yaml"), "--change", change, "--now", "2026-06-01T00:00:00Z"], io)).toBe(0);
    const out = io.stdout.join("\n");
    expect(out).toContain("large-deal-approval/large-deal-needs-approval: VIOLATED (critical, audit)");
    expect(out).toContain("missing: manager_approved");
    expect(out).toContain("✗ require [manager_approved = true]: Manager approved must be Yes, and is empty");
    expect(out).toContain("large-deal-approval/approval-by-manager-only: not-triggered");
  });
  it("reads the change from a file with @", async () => {
    const dir = policyDir({ "change.json": JSON.stringify({ from: "Qualified To Buy", to: "Presentation Scheduled" }) });
    const io = capture();
    expect(await runCli(["explain", path.join(dir, "stage-discipline.yaml"), "--change", `@${path.join(dir, "change.json")}`], io)).toBe(0);
    expect(io.stdout.join("\n")).toContain("stage-discipline/no-stage-skipping: passed");
  });
  it("bad input is a usage error (exit 2)", async () => {
    expect(await runCli(["explain", path.join(SHIPPED, "ownership.yaml"), "--change", "{not json"], capture())).toBe(2);
    expect(await runCli(["explain", path.join(SHIPPED, "ownership.yaml"), "--change", '{"to":"Nowhere"}'], capture())).toBe(2);
    expect(await runCli(["explain", path.join(SHIPPED, "ownership.yaml")], capture())).toBe(2);
    expect(await runCli(["frobnicate"], capture())).toBe(2);
  });
  it("suggests the nearest stage name for a misspelt one", async () => {
    const io = capture();
    expect(await runCli(["explain", path.join(SHIPPED, "stage-discipline.yaml"), "--change", '{"from":"Appointment Scheduled","to":"Contract Snet"}'], io)).toBe(2);
    expect(io.stderr.join("\n")).toContain('unknown stage "Contract Snet" in pipeline Sales Pipeline (did you mean "Contract Sent"?)');
  });
});

describe("policies --help", () => {
  it("prints the usage on stdout and exits 0, for the CLI and for each command", async () => {
    for (const args of [["--help"], ["-h"], ["help"], ["check", "--help"], ["explain", "--help"]]) {
      const io = capture();
      expect(await runCli(args, io)).toBe(0);
      expect(io.stdout.join("\n")).toContain("usage: npm run policies -- <command>");
      expect(io.stderr).toEqual([]);
    }
  });
});

describe("bundle", () => {
  it("writes the generated module with the policy texts and the portal snapshot", async () => {
    const dir = policyDir();
    const out = path.join(dir, "generated", "policies.ts");
    expect(await writeBundle({ dir, outFile: out }, capture())).toBe(0);
    const text = readFileSync(out, "utf8");
    expect(text).toContain("export const POLICY_FILES: PolicyFile[]");
    expect(text).toContain('"id": "closedwon"');
  });
  it("bundles each staged draft that passes check over the active set, leaves out one that fails, and stamps the bundle", async () => {
    const dir = policyDir();
    mkdirSync(path.join(dir, "staged", "broken"), { recursive: true });
    writeFileSync(path.join(dir, "staged", "broken", "enterprise.yaml"), BAD_POLICY);
    const out = path.join(dir, "generated", "policies.ts");
    const io = capture();
    expect(await writeBundle({ dir, outFile: out, now: 1_700_000_000_000 }, io)).toBe(0);
    const text = readFileSync(out, "utf8");
    const staged = JSON.parse(/STAGED_POLICY_SETS: StagedPolicySet\[\] = (\[[\s\S]*?\n\]);/.exec(text)?.[1] ?? "[]") as Array<{ name: string; staged: string[]; files: Array<{ path: string }> }>;
    expect(staged.map((s) => [s.name, s.staged.map((f) => path.basename(f))])).toEqual([["next-step", ["next-step-hygiene.yaml"]]]);
    expect(staged[0]?.files.map((f) => path.basename(f.path))).toContain("stage-discipline.yaml");
    expect(io.stderr.join("\n")).toContain('staged set "broken" left out of the bundle');
    expect(text).toContain('"bundledAt": 1700000000000');
    // Bundling the same content again keeps the file, stamp included.
    expect(await writeBundle({ dir, outFile: out, now: 1_800_000_000_000 }, capture())).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(text);
  });
  it("refuses to bundle a policy that fails check (exit 1, file unchanged)", async () => {
    const dir = policyDir({ "enterprise.yaml": BAD_POLICY });
    const out = path.join(dir, "generated", "policies.ts");
    const io = capture();
    expect(await writeBundle({ dir, outFile: out }, io)).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(io.stderr.join("\n")).toContain('rules[0].require[1]: unknown property "amout"');
  });
});

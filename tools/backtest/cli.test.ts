// `policies backtest` end to end against the simulator (--source hubspot): the tables and the JSON object last, the
// HubSpot calls within ceil(deals/50) history reads and ceil(deals/200) searches, a second run from the local cache
// with no call at all, --against-ref, and the errors: a bad policy set (file and line, exit 1), bad usage (exit 2).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { SimClient, type SimPortal } from "../../sim/client";
import { runBacktestCommand } from "./command";
import { fileCache } from "./hubspot-cache";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const temps: string[] = [];
let portal: SimPortal;
let window: string[];

function capture() {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, io: { out: (l: string) => stdout.push(l), err: (l: string) => stderr.push(l) } };
}

function temp(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

async function run(args: string[], cacheDir: string) {
  const out = capture();
  const env = { ...process.env, SIM_APP_ID: portal.info.appId, SIM_PORTAL_ID: String(portal.info.portalId) };
  const code = await runBacktestCommand([...args, "--source", "hubspot", "--base-url", inject("simUrl"), "--token", portal.info.accessToken], { io: out.io, cache: fileCache(cacheDir), env });
  return { code, ...out };
}

beforeAll(async () => {
  portal = await new SimClient(inject("simUrl")).createPortal({ webhook: { mode: "outbox" } });
  await portal.seed({ pipelines: "default", teams: 2, ownersPerTeam: 2, deals: 0 });
  const played = await portal.backfill({ weeks: 2, seed: 5 });
  window = ["--from", new Date(played.from).toISOString(), "--to", new Date(played.to).toISOString()];
}, 60_000);

afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("policies backtest --source hubspot", () => {
  it("prints the rule table and one JSON object last; a second run reads the cache and calls HubSpot no more", async () => {
    const cache = temp("backtest-cache-");
    await portal.clearCalls();
    const first = await run([path.join(ROOT, "policies"), ...window, "--json"], cache);
    expect(first.stderr).toEqual([]);
    expect(first.code).toBe(0);
    expect(first.stdout.join("\n")).toMatch(/Back-test of .*policies .* on HubSpot's history/);
    expect(first.stdout.join("\n")).toContain("stage-discipline/no-stage-skipping");
    const json = JSON.parse(first.stdout.at(-1) ?? "") as { source: string; deals: number; changes: number; rules: unknown[]; hits: unknown[]; hubspotCalls: { searches: number; historyReads: number } };
    expect(json).toMatchObject({ source: "hubspot" });
    expect(json.rules).toHaveLength(20);
    expect(json.changes).toBeGreaterThan(20);
    expect(json.hits.length).toBeGreaterThan(0);
    const calls = await portal.calls();
    const deals = new Set((await portal.listDeals({ archived: true })).map((d) => d.id)).size;
    expect(calls.filter((c) => c.path.includes("/deals/search")).length).toBeLessThanOrEqual(Math.ceil(deals / 200));
    expect(calls.filter((c) => c.path.includes("/deals/batch/read")).length).toBeLessThanOrEqual(Math.ceil(deals / 50));
    expect(json.hubspotCalls.historyReads).toBeGreaterThan(0);

    await portal.clearCalls();
    const second = await run([path.join(ROOT, "policies"), ...window, "--json"], cache);
    expect(second.code).toBe(0);
    expect(await portal.calls()).toEqual([]);
    expect(second.stdout.join("\n")).toContain("from the local cache (no API call");
    expect(JSON.parse(second.stdout.at(-1) ?? "")).toMatchObject({ hits: json.hits, cached: true });
  });

  it("--against-ref HEAD: the working tree's shipped set against itself differs in nothing", async () => {
    const result = await run(["policies", ...window, "--against-ref", "HEAD", "--json"], temp("backtest-cache-"));
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout.at(-1) ?? "") as { diff: Array<{ rule: string; newHits: number; goneHits: number; changedActions: number }> };
    expect(json.diff).toHaveLength(20);
    expect(json.diff.every((d) => d.rule === "kept" && d.newHits + d.goneHits + d.changedActions === 0)).toBe(true);
  });

  it("a bad policy set: every error with file and line, exit 1, nothing back-tested", async () => {
    const dir = temp("policies-");
    cpSync(path.join(ROOT, "policies"), dir, { recursive: true });
    writeFileSync(path.join(dir, "draft.yaml"), "apiVersion: governance/v1\nkind: DealPolicy\nid: draft\nrules:\n  - id: r\n    on: { stageChanged: true }\n    require: [amout]\n");
    const result = await run([dir, ...window], temp("backtest-cache-"));
    expect(result.code).toBe(1);
    expect(result.stderr.join("\n")).toMatch(/draft\.yaml:7:\d+ .*amout/);
    expect(result.stdout).toEqual([]);
  });

  it("bad usage: exit 2 with what is wrong", async () => {
    expect((await run(["--from", "2026-05-01"], temp("c-"))).code).toBe(2);
    const wrongOrder = await run(["--from", "2026-05-10", "--to", "2026-05-01"], temp("c-"));
    expect(wrongOrder.code).toBe(2);
    expect(wrongOrder.stderr[0]).toContain("is not after --from");
  });
});

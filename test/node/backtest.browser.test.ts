// The back-test page in headless Chromium (tools/browser.ts): an admin picks the bundled staged set, a window and the
// engine's history, and reads the per-rule table, the weekly chart (drawn from its table) and the affected deals, each
// linking to its HubSpot record; an uploaded file that fails check shows its errors. Screenshots: test-results/backtest/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuiltChange } from "../../src/enforcement/build-change";
import { encodeJudgedChange } from "../../src/enforcement/judged-change-codec";
import { createTokenWithCli, startBrowserStack, type BrowserStack } from "./browser-stack";
import { applyLocalMigrations, DATABASE, localD1Args, projectRoot as root, runWrangler } from "../../tools/wrangler-cli";

const shots = path.join(root, "test-results", "backtest");
const DAY = 86_400_000;
// Two weeks ago (a Monday at noon, UTC): inside the page's default window whatever day the test runs.
const MONDAY = Math.floor((Date.now() + 3 * DAY) / (7 * DAY)) * 7 * DAY - 3 * DAY - 14 * DAY + 12 * 3_600_000;

let persistDir = "";
let stack: BrowserStack | undefined;
let browser: Browser | undefined;
let base = "";
let adminToken = "";

function move(dealId: string, name: string, to: string, at: number, nextStep: string | null): BuiltChange {
  const before = { dealname: name, dealstage: "qualifiedtobuy", pipeline: "default", hubspot_owner_id: "401", amount: "5000", closedate: String(at + 30 * DAY), hs_next_step: nextStep };
  return {
    change: {
      dealId, kind: "updated", pipelineId: "default", fromPipelineId: "default", fromStage: "qualifiedtobuy", toStage: to, changedProperties: ["dealstage"],
      old: before, new: { ...before, dealstage: to }, ownerId: "401", ownerTeamIds: ["team-west"],
      actor: { userId: "4401", ownerId: "401", teamIds: ["team-west"], isDealOwner: true, isManager: false, changeSource: "CRM_UI", sourceId: "userId:4401" },
      associations: { contacts: 1, companies: 1, line_items: 1 }, occurredAt: at,
    },
    stageMoved: true, fromEnteredAt: at - DAY, inboxHashes: [],
  };
}

const q = (v: string) => `'${v.replace(/'/g, "''")}'`;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  persistDir = mkdtempSync(path.join(tmpdir(), "dg-backtest-"));
  applyLocalMigrations({ persistDir });
  const changes = [move("8000001", "West deal 1", "presentationscheduled", MONDAY, null), move("8000002", "West deal 2", "presentationscheduled", MONDAY + 7 * DAY, "Call the CFO")];
  const sql = [
    "INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('401', 'Wes West', '[\"team-west\"]', 'team-west', 0);",
    ...changes.map((b, i) => `INSERT INTO judged_changes (id, portal_id, deal_id, occurred_at, change, recorded_at) VALUES ('jc${i}', 555, ${q(b.change.dealId)}, ${b.change.occurredAt}, ${q(encodeJudgedChange(b))}, 0);`),
  ].join("\n");
  const file = path.join(persistDir, "judged.sql");
  writeFileSync(file, sql);
  runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir }), "--file", file]);
  adminToken = createTokenWithCli(persistDir, ["--name", "backtest-admin", "--role", "admin"]);
  stack = await startBrowserStack(persistDir);
  ({ base, browser } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

async function signedInPage(): Promise<Page> {
  if (!browser) throw new Error("browser not started");
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  await page.goto(`${base}/dashboard/login`);
  await page.fill("#token", adminToken);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click("button[type=submit]")]);
  return page;
}

describe("back-test page in Chromium", () => {
  it("back-tests the staged set picked in the form: rules, weekly chart and affected deals linking to HubSpot", async () => {
    const page = await signedInPage();
    await page.goto(`${base}/dashboard/policies`);
    await page.click("a#backtest-link");
    await expect(page.locator("h1").textContent()).resolves.toBe("Back-test a draft");
    await page.selectOption("#set", "next-step");
    await Promise.all([page.waitForURL(/set=next-step/), page.click("#run-staged")]);
    const row = page.locator("#backtest-rules tbody tr", { hasText: "next-step-from-presentation" });
    const cells = (await row.locator("td.num").allTextContents()).map((t) => t.trim());
    expect(cells).toEqual(["1", "1", "1", "0", "1", "1", "0", "0"]);
    // The weekly table is drawn as a chart (chart.js reads the table); the numbers stay readable as the table.
    await page.waitForSelector("#weekly figure.chart svg rect", { timeout: 30_000 });
    const weekly = await page.locator("#backtest-weeks tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent?.trim() ?? "")));
    expect(weekly.find((r) => r[0] === new Date(MONDAY - 12 * 3_600_000).toISOString().slice(0, 10))?.[1]).toBe("1");
    const link = page.locator("#backtest-deals a", { hasText: "West deal 1" });
    await expect(link.getAttribute("href")).resolves.toBe("https://app.hubspot.com/contacts/555/record/0-3/8000001");
    await expect(page.locator("#backtest-deals tbody tr").allTextContents()).resolves.toEqual([expect.stringMatching(/West deal 1.*Wes West/)]);
    await page.screenshot({ path: path.join(shots, "backtest-staged.png"), fullPage: true });
  }, 90_000);

  it("shows an uploaded file's check errors with file, line and column, and back-tests nothing", async () => {
    const page = await signedInPage();
    await page.goto(`${base}/dashboard/admin/backtest`);
    await page.fill("#policy", "apiVersion: governance/v1\nkind: DealPolicy\nid: typo\nrules:\n  - id: r\n    on: { stageEntered: Contract Sen }\n    require: [amount]\n");
    await Promise.all([page.waitForLoadState("load"), page.click("#run-upload")]);
    await expect(page.locator("#policy-errors").textContent()).resolves.toMatch(/upload\/draft\.yaml:6:\d+/);
    await expect(page.locator("#backtest-rules").count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(shots, "backtest-upload-error.png"), fullPage: true });
  }, 60_000);
});

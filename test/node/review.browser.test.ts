// Browser checks of the manager's weekly review, the rep coaching page and adoption health in headless Chromium,
// over the demo data (tools/seed): every figure on the page equals the API's answer for the same request (the API's
// figures are checked against purpose-seeded data in test/worker/api/{review,trend,adoption}.test.ts), names instead
// of ids, deal links to HubSpot, and no sideways scrolling at 1440 and 390 px. Screenshots: test-results/review/.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenWithCli, startBrowserStack, type BrowserStack } from "./browser-stack";
import { DEMO_OWNERS } from "../../tools/seed/demo-data";
import { seedLocalDatabase } from "../../tools/seed/cli";
import { DATABASE, localD1Args, projectRoot as root, runWrangler } from "../../tools/wrangler-cli";

const shots = path.join(root, "test-results", "review");
const DAY = 86_400_000;
const WIDTHS = [1440, 390];

let persistDir = "";
let stack: BrowserStack | undefined;
let browser: Browser | undefined;
let base = "";
let adminToken = "";

async function signedInPage(width: number): Promise<Page> {
  if (!browser) throw new Error("browser not started");
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  // Start from the sign-in page's own URL: waiting for /dashboard must wait for the redirect after signing in.
  await page.goto(`${base}/dashboard/login`);
  await page.fill("#token", adminToken);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click("button[type=submit]")]);
  return page;
}

async function api<T>(p: string): Promise<T> {
  const res = await fetch(`${base}${p}`, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`${p}: ${res.status}`);
  return (await res.json()) as T;
}

/** The page never scrolls sideways: wide tables scroll inside their own box. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const wide = await page.evaluate(() =>
    Array.from(document.querySelectorAll("body *")).filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".scroll")).slice(0, 3).map((e) => `${e.tagName}.${e.className}`),
  );
  expect(wide).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(1);
}

// A team seeded for this test, last week (Monday-based, UTC): Nia advances N1 and moves N2 back (breaking a rule,
// amount missing), Omar wins N3; N1's close date is pushed 14 days. Every figure on the page follows from this.
const LAST_WEEK = Math.floor((Date.now() + 3 * DAY) / (7 * DAY)) * 7 * DAY - 3 * DAY - 7 * DAY;
const NORTH_SQL = `
INSERT INTO teams (id, name, fetched_at) VALUES ('team-north', 'North', 0);
INSERT INTO owners (id, name, team_ids, primary_team_id, fetched_at) VALUES ('301', 'Nia North', '["team-north"]', 'team-north', 0), ('302', 'Omar North', '["team-north"]', 'team-north', 0);
INSERT INTO stage_transitions (id, portal_id, deal_id, pipeline_id, from_stage, to_stage, from_index, to_index, to_is_closed, to_is_won, owner_id, team_id, occurred_at, compliant) VALUES
  ('n1', 555, '7000001', 'default', 'qualifiedtobuy', 'presentationscheduled', 1, 2, 0, 0, '301', 'team-north', ${LAST_WEEK + DAY}, 1),
  ('n2', 555, '7000002', 'default', 'contractsent', 'decisionmakerboughtin', 4, 3, 0, 0, '301', 'team-north', ${LAST_WEEK + 2 * DAY}, 0),
  ('n3', 555, '7000003', 'default', 'contractsent', 'closedwon', 4, 5, 1, 1, '302', 'team-north', ${LAST_WEEK + 3 * DAY}, 1);
INSERT INTO deal_state (deal_id, deal_name, stage_id, observed_at, updated_at) VALUES ('7000001', 'North deal 1', 'presentationscheduled', 0, 0), ('7000002', 'North deal 2', 'decisionmakerboughtin', 0, 0), ('7000003', 'North deal 3', 'closedwon', 0, 0);
INSERT INTO close_date_changes (id, portal_id, deal_id, owner_id, team_id, old_value, new_value, pushed_days, occurred_at) VALUES ('n1p', 555, '7000001', '301', 'team-north', 0, 0, 14, ${LAST_WEEK + DAY});
INSERT INTO violations (id, portal_id, deal_id, deal_name, pipeline_id, from_stage, to_stage, policy_id, policy_version, rule_id, severity, mode, message, missing, owner_id, team_id, status, occurred_at, detected_at)
  VALUES ('vn2', 555, '7000002', 'North deal 2', 'default', 'contractsent', 'decisionmakerboughtin', 'entry-criteria', 'v1', 'amount-required', 'warning', 'enforce', 'A deal needs an amount', '["amount"]', '301', 'team-north', 'open', ${LAST_WEEK + 2 * DAY}, ${LAST_WEEK + 2 * DAY});
`;

const firstNumber = (text: string | null) => Number((text ?? "").replace(/,/g, "").match(/-?\d+(\.\d+)?/)?.[0] ?? NaN);

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  persistDir = mkdtempSync(path.join(tmpdir(), "dg-review-"));
  seedLocalDatabase({ persistTo: persistDir });
  const northFile = path.join(persistDir, "north.sql");
  writeFileSync(northFile, NORTH_SQL);
  runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir }), "--file", northFile]);
  adminToken = createTokenWithCli(persistDir, ["--name", "review-admin", "--role", "admin"]);
  stack = await startBrowserStack(persistDir);
  ({ base, browser } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

interface ReviewJson {
  moveCounts: Record<string, number>;
  moves: { items: Array<{ dealId: string; hubspotUrl: string }> };
  reps: Array<{ ownerId: string; thisWeek: { moves: number; newViolations: number } }>;
  team: { thisWeek: { newViolations: number } };
}

describe("weekly review in Chromium", () => {
  it("shows the figures of a team seeded for the purpose", async () => {
    const page = await signedInPage(1440);
    await page.goto(`${base}/dashboard/review?team=North&week=${new Date(LAST_WEEK + DAY).toISOString().slice(0, 10)}`);
    await expect(page.locator("h1").textContent()).resolves.toBe("Weekly review · North");
    const kpis = (await page.locator("#review-kpis .card").allTextContents()).map((t) => t.replace(/\s+/g, " "));
    expect(kpis[0]).toMatch(/Advanced ?1 ?moved back 1/);
    expect(kpis[1]).toMatch(/Won ?1 ?lost 0/);
    expect(kpis[2]).toContain("66.7%");
    expect(kpis[2]).toContain("2 of 3");
    expect(kpis[3]).toMatch(/Violations ?1/);
    const rows = await page.locator("#review-reps tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).map((td) => td.textContent?.trim() ?? "")));
    expect(rows.map((r) => [r[0], firstNumber(r[1] ?? null), r[2]?.split(/\s/)[0]])).toEqual([["Nia North", 2, "50%"], ["Omar North", 1, "100%"]]);
    const moves = await page.locator("#review-moves tbody tr").evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll("td")).slice(1).map((td) => td.textContent?.trim() ?? "")));
    expect(moves).toEqual([
      ["North deal 3 ↗", "Omar North", "Contract sent → Closed won", "won"],
      ["North deal 2 ↗", "Nia North", "Contract sent → Decision maker bought-in", "moved back"],
      ["North deal 1 ↗", "Nia North", "Qualified to buy → Presentation scheduled", "advanced"],
    ]);
    await expect(page.locator("#review-moves a.deal-link").first().getAttribute("href")).resolves.toBe("https://app.hubspot.com/contacts/555/record/0-3/7000003");
    await expect(page.locator("#review-slips tbody tr").allTextContents()).resolves.toEqual([expect.stringMatching(/North deal 1.*Nia North.*14 days.*1 time, 14 days/)]);
    await expect(page.locator("#review-new tbody tr").allTextContents()).resolves.toEqual([expect.stringMatching(/North deal 2.*Nia North/)]);
    await page.screenshot({ path: path.join(shots, "review-north-1440.png"), fullPage: true });
  }, 60_000);

  it("shows the same figures as GET /api/review, with rep names and deal links to HubSpot", async () => {
    const week = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    const expected = await api<ReviewJson>(`/api/review?team=East&week=${week}`);
    for (const width of WIDTHS) {
      const page = await signedInPage(width);
      await page.goto(`${base}/dashboard/review?team=team-east&week=${week}`);
      await expect(page.locator("h1").textContent()).resolves.toBe("Weekly review · East");
      const kpis = await page.locator("#review-kpis .value").allTextContents();
      expect(firstNumber(kpis[0] ?? null)).toBe(expected.moveCounts.advanced);
      expect(firstNumber(kpis[1] ?? null)).toBe(expected.moveCounts.won);
      expect(firstNumber(kpis[3] ?? null)).toBe(expected.team.thisWeek.newViolations);
      for (const rep of expected.reps) {
        const row = page.locator(`#review-reps tr[data-owner="${rep.ownerId}"]`);
        const name = DEMO_OWNERS.find((o) => o.id === rep.ownerId)?.name ?? "";
        await expect(row.locator("td").first().textContent()).resolves.toBe(name);
        expect(firstNumber(await row.locator("td").nth(1).textContent())).toBe(rep.thisWeek.moves);
        expect(firstNumber(await row.locator("td").nth(3).textContent())).toBe(rep.thisWeek.newViolations);
      }
      if (expected.moves.items.length > 0) {
        await expect(page.locator("#review-moves tbody tr").count()).resolves.toBe(expected.moves.items.length);
        const hrefs = await page.locator("#review-moves a.deal-link").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        expect(hrefs).toEqual(expected.moves.items.map((m) => m.hubspotUrl));
        expect(hrefs[0]).toMatch(/^https:\/\/app\.hubspot\.com\/contacts\/555\/record\/0-3\/\d+$/);
      }
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: path.join(shots, `review-${width}.png`), fullPage: true });
    }
  }, 90_000);

  it("opens a rep's coaching page from the review: stages against the team, last month highlighted, compliance chart", async () => {
    const rep = DEMO_OWNERS[0];
    if (!rep) throw new Error("no demo owner");
    const trend = await api<{ compliance: Array<{ rep: { complianceRate: number | null } }>; stages: unknown[] }>(`/api/reps/${rep.id}/trend?months=6`);
    for (const width of WIDTHS) {
      const page = await signedInPage(width);
      await page.goto(`${base}/dashboard/review?team=team-east`);
      await Promise.all([page.waitForURL(/\/coaching$/), page.locator(`#review-reps a[href="/dashboard/reps/${rep.id}/coaching"]`).click()]);
      await expect(page.locator("h1").textContent()).resolves.toBe(`${rep.name} · coaching`);
      await expect(page.locator("#coaching-compliance tbody tr").count()).resolves.toBe(6);
      await expect(page.locator(".stage-trend").count()).resolves.toBeGreaterThan(0);
      await expect(page.locator(".stage-trend tr.changed").count()).resolves.toBeGreaterThan(0);
      const shown = await page.locator("#coaching-compliance tbody tr td:nth-child(2)").allTextContents();
      expect(shown.map((s) => (s === "—" ? null : firstNumber(s)))).toEqual(trend.compliance.map((c) => (c.rep.complianceRate === null ? null : Math.round(c.rep.complianceRate * 1000) / 10)));
      await page.waitForSelector("figure.chart svg");
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: path.join(shots, `coaching-${width}.png`), fullPage: true });
    }
  }, 90_000);

  it("shows adoption health per team on the overview", async () => {
    for (const width of WIDTHS) {
      const page = await signedInPage(width);
      await expect(page.locator("#adoption-compliance tbody tr").count()).resolves.toBe(3);
      expect((await page.locator("#adoption-compliance tbody td:first-child").allTextContents()).sort()).toEqual(["East", "North", "West"]);
      await expectNoSidewaysScroll(page);
      await page.screenshot({ path: path.join(shots, `overview-adoption-${width}.png`), fullPage: true });
    }
  }, 90_000);
});

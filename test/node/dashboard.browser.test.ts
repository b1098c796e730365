// Browser tests of the dashboard in headless Chromium (tools/browser.ts: the npm-shipped build, or CHROMIUM_PATH): seed a local
// D1, create tokens with the CLI, start the Worker with `wrangler dev` on a free port, sign in, filter, open a
// violation, check team limits and the no-JavaScript tables. Screenshots go to test-results/dashboard/.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTokenWithCli, startBrowserStack, type BrowserStack } from "./browser-stack";
import { seedLocalDatabase } from "../../tools/seed/cli";
import { projectRoot as root } from "../../tools/wrangler-cli";

const shots = path.join(root, "test-results", "dashboard");

let persistDir = "";
let stack: BrowserStack | undefined;
let browser: Browser | undefined;
let base = "";
let adminToken = "";
let eastToken = "";
let sampleViolationId = "";

async function newPage(opts: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
  if (!browser) throw new Error("browser not started");
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, javaScriptEnabled: opts.javaScriptEnabled ?? true });
  return context.newPage();
}

async function signIn(page: Page, token: string): Promise<void> {
  // From the sign-in page's own URL: waiting for /dashboard then waits for the redirect, not the 401 page at /dashboard.
  await page.goto(`${base}/dashboard/login`);
  await page.fill("#token", token);
  await Promise.all([page.waitForURL(`${base}/dashboard`), page.click("button[type=submit]")]);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  persistDir = mkdtempSync(path.join(tmpdir(), "dg-dashboard-"));
  sampleViolationId = seedLocalDatabase({ persistTo: persistDir }).sampleViolationId;
  adminToken = createTokenWithCli(persistDir, ["--name", "browser-admin", "--role", "admin"]);
  eastToken = createTokenWithCli(persistDir, ["--name", "east-manager", "--role", "manager", "--teams", "team-east"]);
  stack = await startBrowserStack(persistDir);
  ({ base, browser } = stack);
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

describe("dashboard in Chromium", () => {
  it("asks for a token, signs in, and shows the overview with a chart", async () => {
    const page = await newPage();
    const res = await page.goto(`${base}/dashboard`);
    expect(res?.status()).toBe(401);
    await expect(page.locator("h1").textContent()).resolves.toBe("Sign in");
    await page.screenshot({ path: path.join(shots, "01-sign-in.png"), fullPage: true });
    await page.fill("#token", "dg_wrong");
    await page.click("button[type=submit]");
    await expect(page.locator(".alert").textContent()).resolves.toContain("not recognised");
    await signIn(page, adminToken);
    await expect(page.locator("h1").textContent()).resolves.toBe("Pipeline discipline");
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "dg_session");
    expect(session?.httpOnly).toBe(true);
    expect(session?.secure).toBe(true);
    // The chart script turned the weekly table into an SVG chart.
    await page.waitForSelector("figure.chart svg rect");
    const kpi = await page.locator(".kpi .value").first().textContent();
    expect(Number(kpi?.replace(/,/g, ""))).toBeGreaterThan(0);
    await expect(page.locator("text=Open violations by rep").count()).resolves.toBe(1);
    await page.screenshot({ path: path.join(shots, "02-overview.png"), fullPage: true });
  }, 60_000);

  it("filters violations and opens one", async () => {
    const page = await newPage();
    await signIn(page, adminToken);
    await page.goto(`${base}/dashboard/violations`);
    await page.selectOption("select[name=status]", "open");
    await page.selectOption("select[name=severity]", "critical");
    await Promise.all([page.waitForURL(/status=open/), page.click("form.filters button[type=submit]")]);
    expect(page.url()).toContain("severity=critical");
    const statuses = await page.locator("#violations tbody tr td:nth-child(9)").allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set(["open"]));
    const severities = await page.locator("#violations tbody tr td:nth-child(7)").allTextContents();
    expect(new Set(severities)).toEqual(new Set(["critical"]));
    await page.screenshot({ path: path.join(shots, "03-violations-filtered.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/dashboard\/violations\/vio-/), page.locator("#violations tbody tr td:nth-child(2) a").first().click()]);
    await expect(page.locator("#story").textContent()).resolves.toMatch(/moved this deal from .* to Contract sent/);
    await expect(page.locator("#trace li").count()).resolves.toBeGreaterThan(1);
    await expect(page.locator("a", { hasText: "Open the deal in HubSpot" }).getAttribute("href")).resolves.toMatch(/^https:\/\/app\.hubspot\.com\/contacts\/555\/record\/0-3\/\d+$/);
    await page.screenshot({ path: path.join(shots, "04-violation.png"), fullPage: true });
  }, 60_000);

  it("shows a rep's batting average and a policy's audit-mode effect", async () => {
    const page = await newPage();
    await signIn(page, adminToken);
    await page.goto(`${base}/dashboard/violations/${sampleViolationId}`);
    await Promise.all([page.waitForURL(/\/dashboard\/reps\//), page.locator("dd a[href^='/dashboard/reps/']").click()]);
    await expect(page.locator("h2", { hasText: "Batting average" }).count()).resolves.toBe(1);
    await expect(page.locator("#stages tbody tr").count()).resolves.toBeGreaterThan(2);
    await page.waitForSelector("figure.chart svg");
    await page.screenshot({ path: path.join(shots, "05-rep.png"), fullPage: true });
    await page.goto(`${base}/dashboard/policies/entry-criteria`);
    await expect(page.locator("#would-have-done").textContent()).resolves.toContain("created a task for the rep");
    await page.screenshot({ path: path.join(shots, "06-policy.png"), fullPage: true });
  }, 60_000);

  it("keeps a team-limited manager inside their team", async () => {
    const page = await newPage();
    await signIn(page, eastToken);
    const reps = await page.locator("table a[href^='/dashboard/reps/']").allTextContents();
    expect(reps.length).toBeGreaterThan(0);
    for (const name of ["Elena Rossi", "Felix Wagner", "Grace Kim", "Hugo Silva"]) expect(reps).not.toContain(name);
    const res = await page.goto(`${base}/dashboard/reps/201`);
    expect(res?.status()).toBe(403);
    await expect(page.locator("h1").textContent()).resolves.toBe("Not allowed");
    await page.screenshot({ path: path.join(shots, "07-team-limit.png"), fullPage: true });
  }, 60_000);

  it("tables work without JavaScript, and sign-out ends the session", async () => {
    const page = await newPage({ javaScriptEnabled: false });
    await signIn(page, adminToken);
    await page.goto(`${base}/dashboard/violations?status=open`);
    await expect(page.locator("#violations tbody tr").count()).resolves.toBeGreaterThan(0);
    await page.goto(`${base}/dashboard`);
    await expect(page.locator("table[data-chart] tbody tr").count()).resolves.toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, "08-overview-no-js.png"), fullPage: true });
    await Promise.all([page.waitForURL(/\/dashboard\/login/), page.click(".signout button")]);
    const res = await page.goto(`${base}/dashboard`);
    expect(res?.status()).toBe(401);
  }, 60_000);
});

// What a manager reads, at a desktop and a phone width: names rather than ids, rule descriptions rather than slugs,
// no CEL or internal property names (the admins' technical details stay folded), round chart ticks, the current
// week marked, and nothing wider than the screen. Screenshots of every page at both widths are kept.
const WIDTHS = [
  { name: "1440", width: 1440, height: 900 },
  { name: "390", width: 390, height: 844 },
] as const;
const INTERNAL_NAMES = /\b(closedate|dealname|dealstage|decision_maker|hs_next_step|hubspot_owner_id|manager_approved|closed_lost_reason)\b/;
const CEL = /&&|\|\||==|\bhas\(|\b(new|old|change|actor)\.[a-z]|startOfDay\(/;
const JARGON = /\(at most \d+ allowed\)|governance-ref|userId:|engine:revert/;
const SLUGS = /\b(presentation-needs-amount-and-close-date|decision-maker-identified|no-stage-skipping|qualified-needs-contact|entry-criteria|stage-discipline)\b/;

async function visibleText(page: Page): Promise<string> {
  // innerText leaves out what is not rendered: closed <details> (the admins' CEL) and hidden elements.
  return page.evaluate(() => document.body.innerText);
}

describe.each(WIDTHS)("names and plain words at $name px", ({ name, width, height }) => {
  async function open(pathname: string, shot: string): Promise<{ page: Page; text: string }> {
    if (!browser) throw new Error("browser not started");
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    await signIn(page, adminToken);
    const res = await page.goto(`${base}${pathname}`);
    expect(res?.status(), pathname).toBe(200);
    await page.screenshot({ path: path.join(shots, `names-${shot}-${name}.png`), fullPage: true });
    const text = await visibleText(page);
    expect(text, pathname).not.toMatch(INTERNAL_NAMES);
    expect(text, pathname).not.toMatch(CEL);
    expect(text, pathname).not.toMatch(JARGON);
    expect(text, pathname).not.toMatch(SLUGS);
    // Wide tables scroll inside their card; the page itself never scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth), pathname).toBeLessThanOrEqual(width + 1);
    return { page, text };
  }

  it("overview: names in tables and filters, round ticks, the current week marked, numbers as a table", async () => {
    const { page, text } = await open("/dashboard", "overview");
    expect(text).toContain("Ava Thompson");
    expect(text).toContain("A qualified deal has at least one associated contact");
    await page.waitForSelector("figure.chart svg rect");
    const ticks = (await page.locator("figure.chart svg > text[text-anchor=end]").allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    const step = (ticks[1] ?? 0) - (ticks[0] ?? 0);
    expect(ticks[0]).toBe(0);
    expect(step / 10 ** Math.floor(Math.log10(step))).toSatisfy((f: number) => [1, 2, 5].includes(f));
    expect(ticks.every((t, i) => t === i * step)).toBe(true);
    await expect(page.locator(".legend .partial-note").textContent()).resolves.toContain("this week, still in progress");
    await expect(page.locator("#weekly-trend tr[data-note='in progress']").count()).resolves.toBe(1);
    await expect(page.locator("details.chart-data table#weekly-trend").count()).resolves.toBe(1);
    await expect(page.locator("select[name=owner] option", { hasText: "Ava Thompson" }).count()).resolves.toBe(1);
  }, 60_000);

  it("violations: filtered by an owner's name, who made the change beside the deal owner", async () => {
    const { page, text } = await open("/dashboard/violations?owner=Ava%20Thompson", "violations");
    expect(text).toContain("Ava Thompson");
    expect(new Set(await page.locator("#violations tbody tr td:nth-child(6)").allTextContents())).toEqual(new Set(["Ava Thompson"]));
    await expect(page.locator("select[name=owner] option[selected]").textContent()).resolves.toBe("Ava Thompson");
  }, 60_000);

  it("a violation: the story in words, the CEL folded away for admins", async () => {
    const { page, text } = await open(`/dashboard/violations/${sampleViolationId}`, "violation");
    expect(text).toMatch(/It broke the rule “[A-Z]/);
    await expect(page.locator("#owner").textContent()).resolves.toMatch(/[A-Z][a-z]+ [A-Z]/);
    await expect(page.locator("details#trace-details").count()).resolves.toBe(1);
  }, 60_000);

  it("a rep: open items by rule description, close-date pushes by deal name", async () => {
    const { text } = await open("/dashboard/reps/101", "rep");
    expect(text).toContain("Ava Thompson");
    expect(text).not.toMatch(/\bDeal \d{5,}\b/);
  }, 60_000);

  it("the policies index and a policy without violations", async () => {
    const { text } = await open("/dashboard/policies", "policies");
    expect(text).toContain("Every deal has an accountable owner");
    expect(text).toContain("An open deal's close date is today or later");
    const ownership = await open("/dashboard/policies/ownership", "policy-ownership");
    expect(ownership.text).toContain("A deal past Appointment Scheduled has an owner");
  }, 60_000);
});

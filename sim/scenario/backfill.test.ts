// The demo's backfill: weeks of simulated history, stamped in the past, fixed in part, deterministic for a seed;
// then the live phase at real time.
import { describe, expect, it } from "vitest";
import { Portal } from "../portal/portal";
import { seedPortal } from "../portal/seed";
import type { WebhookEvent } from "../webhooks/events";
import { runBackfill, type BackfillSummary } from "./backfill";
import { runDemo } from "./demo";
import type { MoveResult } from "./moves";
import { createScenarioState } from "./step";

const NOW = Date.parse("2026-11-20T15:00:00Z");
const WEEKS = 4;
const FROM = NOW - WEEKS * 7 * 86_400_000;

function freshPortal(seed: number): Portal {
  const portal = new Portal({ portalId: 1, accessToken: "t", appId: 1, clientSecret: "s" }, seed, () => NOW);
  seedPortal(portal, { teams: 2, ownersPerTeam: 3, deals: 0 });
  return portal;
}

async function backfill(seed: number): Promise<{ portal: Portal; summary: BackfillSummary; events: WebhookEvent[]; moves: MoveResult[] }> {
  const portal = freshPortal(seed);
  const moves: MoveResult[] = [];
  const summary = await runBackfill(portal, createScenarioState(seed, NOW), { weeks: WEEKS, now: NOW, onMove: (m) => moves.push(m) });
  const events = portal.dispatcher.take(100_000, true).flatMap((d) => d.events);
  portal.close();
  return { portal, summary, events, moves };
}

function histories(portal: Portal) {
  return portal.store.list("deals", true).map((d) => ({ id: d.id, history: d.history }));
}

describe("demo backfill", () => {
  it("replays identically for the same seed and differs for another", async () => {
    const a = await backfill(7);
    const b = await backfill(7);
    expect({ ...b.summary, tookMs: 0 }).toEqual({ ...a.summary, tookMs: 0 });
    expect(histories(b.portal)).toEqual(histories(a.portal));
    expect(b.events.map((e) => [e.objectId, e.occurredAt, e.propertyName, e.propertyValue])).toEqual(a.events.map((e) => [e.objectId, e.occurredAt, e.propertyName, e.propertyValue]));
    expect(histories((await backfill(8)).portal)).not.toEqual(histories(a.portal));
  });

  it("stamps history and webhook occurredAt inside the past window, increasing per deal, in business hours", async () => {
    const { portal, summary, events } = await backfill(42);
    expect(summary.steps).toBeGreaterThan(WEEKS * 5 * 6);
    expect(events.length).toBeGreaterThan(summary.steps);
    const deals = portal.store.list("deals", true);
    expect(deals.length).toBeGreaterThan(10);
    for (const deal of deals) {
      for (const entries of Object.values(deal.history)) {
        for (const h of entries) expect(h.timestamp >= FROM && h.timestamp < NOW, `${deal.id} ${new Date(h.timestamp).toISOString()}`).toBe(true);
        const stamps = entries.map((h) => h.timestamp);
        expect(stamps).toEqual([...stamps].sort((x, y) => x - y));
      }
      const stages = (deal.history.dealstage ?? []).map((h) => h.timestamp);
      expect(new Set(stages).size).toBe(stages.length);
    }
    const byDeal = new Map<number, number[]>();
    for (const e of events) byDeal.set(e.objectId, [...(byDeal.get(e.objectId) ?? []), e.occurredAt]);
    for (const [id, times] of byDeal) {
      expect(times, String(id)).toEqual([...times].sort((x, y) => x - y));
      for (const t of times) expect(t >= FROM && t < NOW).toBe(true);
    }
    // Spread over the weeks, not bunched: every week has activity.
    const weeks = new Set(events.map((e) => Math.floor((e.occurredAt - FROM) / (7 * 86_400_000))));
    expect([...weeks].sort()).toEqual([0, 1, 2, 3]);
    const weekend = events.filter((e) => [0, 6].includes(new Date(e.occurredAt).getUTCDay())).length;
    expect(weekend).toBeLessThan(events.length / 10);
  });

  it("has reps fix a good share of their violations hours or days later", async () => {
    const { portal, moves, summary } = await backfill(42);
    const violating = moves.filter((m) => m.kind === "late-stage-missing-fields" || m.kind === "skip-stages");
    const fixes = moves.filter((m) => m.kind === "fix");
    expect(summary.fixes).toBe(fixes.length);
    expect(fixes.length).toBeGreaterThan(violating.length * 0.3);
    // Blanked properties are filled again later — by the rep's fix (an hour or more after the blank) or by their
    // next move on the deal, whichever comes first.
    const late = moves.filter((m) => m.kind === "late-stage-missing-fields" && m.blank !== undefined);
    const refilled = late.filter((m) => {
      const entries = portal.store.get("deals", m.dealId ?? "", true)?.history[m.blank ?? ""] ?? [];
      return entries.some((h) => h.value !== "" && h.timestamp > (m.at ?? Infinity));
    });
    expect(refilled.length).toBeGreaterThanOrEqual(late.length / 2);
    for (const f of fixes.filter((x) => x.fix === "fill" && x.filled !== undefined)) {
      const entries = portal.store.get("deals", f.dealId ?? "", true)?.history[f.filled ?? ""] ?? [];
      const i = entries.findIndex((h) => h.timestamp === f.at);
      const blank = entries[i - 1];
      expect(entries[i]?.value).not.toBe("");
      expect(blank?.value).toBe("");
      expect((f.at ?? 0) - (blank?.timestamp ?? Infinity)).toBeGreaterThanOrEqual(3_600_000);
    }
    // Skips moved back: the deal left the stage it jumped into, with a new next step (no silent backward move).
    const backs = fixes.filter((f) => f.fix === "move-back");
    expect(backs.length).toBeGreaterThan(0);
    for (const f of backs) {
      const deal = portal.store.get("deals", f.dealId ?? "", true);
      const step = deal?.history.hs_next_step?.find((h) => h.timestamp === f.at);
      expect(step?.value).toMatch(/^Back to /);
    }
  });

  it("then plays live at real time, continuing the backfilled portal", async () => {
    const portal = freshPortal(3);
    const started = Date.now();
    const live: MoveResult[] = [];
    let summary: BackfillSummary | null = null;
    const demo = runDemo(() => portal, { seed: 3, speed: 1000, maxSteps: 5, backfillWeeks: 1, onBackfill: (s) => { summary = s; }, onMove: (m) => live.push(m) });
    await demo.done;
    const ended = Date.now();
    portal.close();
    expect(summary).not.toBeNull();
    expect(live.filter((m) => m.kind !== "fix")).toHaveLength(5);
    for (const m of live.filter((x) => x.at !== undefined)) expect((m.at ?? 0) >= started - 1 && (m.at ?? 0) <= ended + 5, m.text).toBe(true);
    const created = portal.store.list("deals", true).map((d) => d.createdAt);
    expect(Math.min(...created)).toBeLessThan(started - 86_400_000);
  });

  it("leaves a portal that already has deals alone", async () => {
    const portal = freshPortal(5);
    seedPortal(portal, { teams: 2, ownersPerTeam: 3, deals: 3 });
    let backfilled = false;
    const demo = runDemo(() => portal, { seed: 5, speed: 1000, maxSteps: 1, backfillWeeks: 2, onBackfill: () => { backfilled = true; } });
    await demo.done;
    portal.close();
    expect(backfilled).toBe(false);
  });
});

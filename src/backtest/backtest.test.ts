// The back-test core without a runtime: the engine's recorded changes (encoded by the plan exactly as record.ts
// stores them) replayed through a set give the violations the engine detected; a rule only the draft has shows as new
// hits only; the summary counts what enforce would have run.
import { describe, expect, it } from "vitest";
import { evaluateSnapshot } from "../enforcement/evaluate";
import { planEnforcement } from "../enforcement/plan";
import { compile, dealRecord, event, metadata, NOW, snapshotOf } from "../enforcement/test-snapshot";
import type { CompiledPolicySet } from "../policy";
import { historyFromRecorded, runBacktest, weekOf, type BacktestHistory } from "./index";

const MIN = 60_000;
const SKIP_RULE = `  - id: no-skip
    on: { stageChanged: true }
    transition: { maxSkip: 0 }
    actions: [revert, task]`;
const AMOUNT_RULE = `  - id: needs-next-step
    on: { stageEntered: Decision Maker Bought-In }
    require: [hs_next_step]
    actions: [task]`;

/** Deal 42's day: a skip (qualified → decision maker), a move on, a step back and an amount edit, each a minute apart. */
function recordedDay(set: CompiledPolicySet): { history: BacktestHistory; detected: string[] } {
  const moves: Array<[string, number]> = [["appointmentscheduled", NOW - 60 * MIN], ["decisionmakerboughtin", NOW], ["contractsent", NOW + MIN], ["presentationscheduled", NOW + 2 * MIN]];
  const events = [
    event({ occurredAt: NOW, propertyValue: "decisionmakerboughtin" }),
    event({ occurredAt: NOW + MIN, propertyValue: "contractsent" }),
    event({ occurredAt: NOW + 2 * MIN, propertyValue: "presentationscheduled" }),
    event({ occurredAt: NOW + 3 * MIN, propertyName: "amount", propertyValue: "12000" }),
  ];
  const snapshot = snapshotOf({ events, deal: dealRecord(moves, { amount: "12000" }), set });
  const verdicts = evaluateSnapshot(snapshot.live, { modeOverride: null });
  const plan = planEnforcement(snapshot, verdicts, { now: NOW + 10 * MIN, portalUiUrl: "https://app.hubspot.com", maxRevertsPerHour: 3 });
  const rows = plan.judged.map((j) => ({ deal_id: j.dealId, portal_id: j.portalId, change: j.json }));
  const history = historyFromRecorded({ changes: rows, reverts: [] });
  if (!history.ok) throw new Error(history.error);
  return { history: history.value, detected: verdicts.flatMap((v) => v.detected.map((d) => d.id)).sort() };
}

const window = { from: NOW - 86_400_000, to: NOW + 86_400_000 };

describe("back-test of recorded changes", () => {
  it("replays the engine's own judged changes into the violations the engine detected", () => {
    const set = compile(SKIP_RULE);
    const { history, detected } = recordedDay(set);
    expect(detected.length).toBeGreaterThan(0);
    const result = runBacktest({ history, window, draft: set, against: null, metadata: metadata() });
    expect(result.draft.hits.map((h) => h.id).sort()).toEqual(detected);
    expect(result.draft.changes).toBe(4);
    const row = result.draft.rules.find((r) => r.ruleId === "no-skip");
    expect(row).toMatchObject({ hits: detected.length, deals: 1, reps: 1, reverts: detected.length, tasks: detected.length });
    expect(row?.examples.map((e) => e.dealName)).toEqual(["Acme"]);
  });

  it("counts only hits inside the window, judging earlier changes for what is open", () => {
    const set = compile(SKIP_RULE);
    const { history } = recordedDay(set);
    const late = runBacktest({ history, window: { from: NOW + MIN, to: window.to }, draft: set, against: null, metadata: metadata() });
    const all = runBacktest({ history, window, draft: set, against: null, metadata: metadata() });
    expect(late.draft.hits).toEqual(all.draft.hits.filter((h) => h.occurredAt >= NOW + MIN));
    expect(late.draft.changes).toBe(3);
  });

  it("a rule only the draft has appears as new hits only", () => {
    const live = compile(SKIP_RULE);
    const draft = compile(`${SKIP_RULE}\n${AMOUNT_RULE}`);
    const { history } = recordedDay(live);
    const result = runBacktest({ history, window, draft, against: live, metadata: metadata() });
    const added = result.diff?.find((d) => d.ruleId === "needs-next-step");
    const kept = result.diff?.find((d) => d.ruleId === "no-skip");
    expect(added).toMatchObject({ rule: "added", goneHits: 0, changedActions: 0 });
    expect(added?.newHits).toBe(result.draft.rules.find((r) => r.ruleId === "needs-next-step")?.hits);
    expect(added?.newHits).toBeGreaterThan(0);
    expect(kept).toMatchObject({ rule: "kept", newHits: 0, goneHits: 0, changedActions: 0 });
  });

  it("a mode switched to audit is a changed action on the same hits", () => {
    const live = compile(SKIP_RULE);
    const draft = compile(SKIP_RULE, "mode: audit");
    const { history } = recordedDay(live);
    const result = runBacktest({ history, window, draft, against: live, metadata: metadata() });
    const row = result.diff?.find((d) => d.ruleId === "no-skip");
    expect(row?.changedActions).toBe(result.draft.rules[0]?.hits);
    expect(row).toMatchObject({ newHits: 0, goneHits: 0 });
  });

  it("names the properties a draft reads that the engine did not record", () => {
    const live = compile(SKIP_RULE);
    const { history } = recordedDay(live);
    const result = runBacktest({ history, window, draft: compile(AMOUNT_RULE), against: null, metadata: metadata() });
    expect(result.unrecorded).toEqual(["hs_next_step"]);
  });

  it("names the properties a draft fires on whose edits the running set didn't read", () => {
    const live = compile(SKIP_RULE);
    const { history } = recordedDay(live);
    const onAmount = `
  - id: amount-kept
    on: { propertyChanged: [amount, dealstage] }
    assert: "new.amount > 0"
    message: "amount cleared"`;
    expect(runBacktest({ history, window, draft: compile(onAmount), against: live, metadata: metadata() }).unrecordedEdits).toEqual(["amount"]);
    expect(runBacktest({ history, window, draft: compile(onAmount), against: compile(onAmount), metadata: metadata() }).unrecordedEdits).toEqual([]);
    expect(runBacktest({ history, window, draft: compile(onAmount), against: null, metadata: metadata() }).unrecordedEdits).toEqual([]);
  });

  it("counts the changes whose draft verdict turns on association counts the engine never took", () => {
    const live = compile(SKIP_RULE);
    const { history } = recordedDay(live);
    const uncounted: BacktestHistory = { ...history, deals: history.deals.map((d) => ({ ...d, changes: d.changes.map((b) => ({ ...b, change: { ...b.change, associations: { ...b.change.associations, contacts: 0 } }, uncounted: ["contacts" as const] })) })) };
    const needsContact = compile(`
  - id: dm-needs-contact
    on: { stageEntered: Decision Maker Bought-In }
    associations: { contacts: 1 }`);
    // Only the move into Decision Maker Bought-In turns on the count; the other changes don't fire the rule.
    expect(runBacktest({ history: uncounted, window, draft: needsContact, against: live, metadata: metadata() }).uncounted).toEqual({ kinds: ["contacts"], changes: 1 });
    const counted: BacktestHistory = { ...uncounted, deals: uncounted.deals.map((d) => ({ ...d, changes: d.changes.map(({ uncounted: _none, ...b }) => b) })) };
    expect(runBacktest({ history: counted, window, draft: needsContact, against: live, metadata: metadata() }).uncounted).toEqual({ kinds: [], changes: 0 });
    expect(runBacktest({ history: uncounted, window, draft: live, against: null, metadata: metadata() }).uncounted).toEqual({ kinds: [], changes: 0 });
  });

  it("a corrupt recorded row is an error naming the deal", () => {
    expect(historyFromRecorded({ changes: [{ deal_id: "7", portal_id: 1, change: "{" }], reverts: [] })).toMatchObject({ ok: false, error: expect.stringContaining("deal 7") });
  });

  it("weeks start on Monday (UTC)", () => {
    expect(weekOf(NOW)).toBe("2026-06-01");
    expect(weekOf(NOW + 6 * 86_400_000)).toBe("2026-06-01");
    expect(weekOf(NOW - 1)).toBe("2026-06-01");
    expect(weekOf(Date.UTC(2026, 4, 31, 23))).toBe("2026-05-25");
  });
});

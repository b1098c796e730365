// Association counts as of a time from the timeline: forward from the snapshot, backward (undoing) before it.
import { describe, expect, it } from "vitest";
import type { AssociationEntry, AssociationTimeline } from "../store/association-timeline";
import { countsAt, kindOf, mergedInEntries } from "./association-timeline";

const T = 1_000_000;
const entry = (toId: string, at: number, source: "event" | "snapshot", removed = false): AssociationEntry => ({ dealId: "42", kind: "contacts", toId, removed, occurredAt: at, source });

describe("countsAt", () => {
  // Snapshot at T: contacts a, b. Events: b added at T-50 (before the snapshot), c added at T+10, a removed at T+20.
  const timeline: AssociationTimeline = {
    entries: [entry("a", T, "snapshot"), entry("b", T, "snapshot"), entry("b", T - 50, "event"), entry("c", T + 10, "event"), entry("a", T + 20, "event", true)],
    coverage: new Map([["42|contacts", T]]),
  };
  const cases: Array<{ name: string; at: number; count: number; origin: string }> = [
    { name: "at the snapshot", at: T, count: 2, origin: "as-of" },
    { name: "after an add", at: T + 10, count: 3, origin: "as-of" },
    { name: "after the removal", at: T + 30, count: 2, origin: "as-of" },
    { name: "before the snapshot: the earlier add undone", at: T - 60, count: 1, origin: "current" },
    { name: "between that add and the snapshot", at: T - 10, count: 2, origin: "current" },
  ];
  it.each(cases)("$name", ({ at, count, origin }) => {
    const got = countsAt(timeline, "42", ["contacts"], at);
    expect(got.counts.contacts).toBe(count);
    expect(got.origins["association:contacts"]?.origin).toBe(origin);
  });

  it("a snapshot that lagged an announced change is corrected by it (the event says what was there from its time on)", () => {
    // Read at T without d, though d's add at T-30 was announced; e's removal at T-20 announced, yet e still read.
    const lagged: AssociationTimeline = {
      entries: [entry("a", T, "snapshot"), entry("e", T, "snapshot"), entry("d", T - 30, "event"), entry("e", T - 40, "event"), entry("e", T - 20, "event", true)],
      coverage: new Map([["42|contacts", T]]),
    };
    expect(countsAt(lagged, "42", ["contacts"], T).counts.contacts).toBe(2); // a, d
    expect(countsAt(lagged, "42", ["contacts"], T - 25).counts.contacts).toBe(3); // a, d, e
    expect(countsAt(lagged, "42", ["contacts"], T - 35).counts.contacts).toBe(2); // a, e
    expect(countsAt(lagged, "42", ["contacts"], T - 50).counts.contacts).toBe(1); // a
  });

  it("a kind without a timeline counts 0 and says why", () => {
    const got = countsAt({ entries: [], coverage: new Map() }, "42", ["companies"], T);
    expect(got.counts.companies).toBe(0);
    expect(got.origins["association:companies"]?.reason).toBe("no association timeline for this deal");
  });

  it("reads the kind from the webhook's associationType", () => {
    expect([kindOf("DEAL_TO_CONTACT"), kindOf("DEAL_TO_COMPANY"), kindOf("DEAL_TO_LINE_ITEM"), kindOf("DEAL_TO_TICKET"), kindOf(null)]).toEqual(["contacts", "companies", "line_items", null, null]);
  });
});

describe("mergedInEntries", () => {
  // Deal 8 (created at T, contact m and shared contact s added just after) is merged into deal 11 at T+100.
  const M = T + 100;
  const of = (dealId: string, toId: string, at: number, source: "event" | "snapshot" = "event"): AssociationEntry => ({ dealId, kind: "contacts", toId, removed: false, occurredAt: at, source });
  const merged = [of("8", "m", T + 1), of("8", "s", T + 2)];
  const merge = [{ dealId: "8", into: "11", at: M }];

  it("adds the merged deal's associations on the survivor at the merge, not what it already had", () => {
    const timeline: AssociationTimeline = { entries: [...merged, of("11", "s", T + 5)], coverage: new Map([["8|contacts", T - 1], ["11|contacts", T]]) };
    expect(mergedInEntries(timeline, merge, ["contacts"])).toEqual([of("11", "m", M)]);
  });

  it("a survivor first seen after the merge: its own earlier events tell what it had, and its earlier moves count without the merged ones", () => {
    // The survivor's snapshot (read after the merge) holds both deals' contacts; it added s itself before the merge.
    const timeline: AssociationTimeline = { entries: [...merged, of("11", "s", T + 5), of("11", "s", M + 50, "snapshot"), of("11", "m", M + 50, "snapshot")], coverage: new Map([["8|contacts", T - 1], ["11|contacts", M + 50]]) };
    const added = mergedInEntries(timeline, merge, ["contacts"]);
    expect(added).toEqual([of("11", "m", M)]);
    const withMerge = { ...timeline, entries: [...timeline.entries, ...added] };
    expect(countsAt(withMerge, "11", ["contacts"], M - 10).counts.contacts).toBe(1);
    expect(countsAt(withMerge, "11", ["contacts"], M + 10).counts.contacts).toBe(2);
  });

  it("a merged deal whose associations were never known moves nothing", () => {
    const timeline: AssociationTimeline = { entries: [of("11", "s", T + 5)], coverage: new Map([["11|contacts", T]]) };
    expect(mergedInEntries(timeline, merge, ["contacts"])).toEqual([]);
  });
});

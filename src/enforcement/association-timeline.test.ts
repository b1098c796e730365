// Association counts as of a time from the timeline: forward from the snapshot, backward (undoing) before it.
import { describe, expect, it } from "vitest";
import type { AssociationEntry, AssociationTimeline } from "../store/association-timeline";
import { countsAt, kindOf } from "./association-timeline";

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

  it("a kind without a timeline counts 0 and says why", () => {
    const got = countsAt({ entries: [], coverage: new Map() }, "42", ["companies"], T);
    expect(got.counts.companies).toBe(0);
    expect(got.origins["association:companies"]?.reason).toBe("no association timeline for this deal");
  });

  it("reads the kind from the webhook's associationType", () => {
    expect([kindOf("DEAL_TO_CONTACT"), kindOf("DEAL_TO_COMPANY"), kindOf("DEAL_TO_LINE_ITEM"), kindOf("DEAL_TO_TICKET"), kindOf(null)]).toEqual(["contacts", "companies", "line_items", null, null]);
  });
});

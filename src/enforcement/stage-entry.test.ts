// When a deal entered its stage, from the dealstage history: table-driven.
import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../hubspot/deals";
import { stageEnteredAt } from "./stage-entry";

const entry = (value: string, timestamp: number): HistoryEntry => ({ value, timestamp, sourceType: "CRM_UI", sourceId: null, updatedByUserId: null });
const history = [entry("appointmentscheduled", 100), entry("contractsent", 200), entry("contractsent", 300), entry("qualifiedtobuy", 400), entry("contractsent", 500)];

describe("stageEnteredAt", () => {
  it.each([
    { name: "the latest entry into the current stage", stage: "contractsent", at: Infinity, want: 500 },
    { name: "a rewrite of the same stage doesn't restart the clock", stage: "contractsent", at: 350, want: 200 },
    { name: "as of a moment: the stage the deal was in then", stage: "qualifiedtobuy", at: 450, want: 400 },
    { name: "a stage the deal wasn't in at that moment", stage: "contractsent", at: 450, want: null },
    { name: "before any history", stage: "appointmentscheduled", at: 50, want: null },
    { name: "exactly at an entry's time", stage: "appointmentscheduled", at: 100, want: 100 },
  ])("$name", ({ stage, at, want }) => {
    expect(stageEnteredAt(history, stage, at)).toBe(want);
  });

  it("knows nothing without history or a stage", () => {
    expect(stageEnteredAt(undefined, "contractsent", Infinity)).toBeNull();
    expect(stageEnteredAt([], "contractsent", Infinity)).toBeNull();
    expect(stageEnteredAt(history, null, Infinity)).toBeNull();
  });
});

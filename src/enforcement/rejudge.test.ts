// Changes judged again when a late association event corrects their counts: which stored changes are recounted, and
// what the corrected counts break that the first verdict didn't. No runtime: the timeline and changes are given.
import { describe, expect, it } from "vitest";
import type { AssociationEntry, AssociationTimeline } from "../store/association-timeline";
import type { BuiltChange } from "./build-change";
import { changeKey, newlyBroken, recountStored } from "./rejudge";
import { compile, dealRecord, event, NOW, snapshotOf } from "./test-snapshot";

const S = 1_000;
const set = compile(`
  - id: presentation-needs-contact
    on: { stageEntered: presentationscheduled }
    associations: { contacts: 1 }
    actions: [log]`);

/** The move into Presentation Scheduled at NOW, as first judged: with one contact. */
function judgedMove(): BuiltChange {
  const snapshot = snapshotOf({ events: [event({ propertyValue: "presentationscheduled", occurredAt: NOW })], deal: dealRecord([["qualifiedtobuy", NOW - 60 * S], ["presentationscheduled", NOW]]), set });
  const built = snapshot.live?.deals[0]?.built[0];
  if (built === undefined) throw new Error("no change built");
  return { ...built, change: { ...built.change, associations: { contacts: 1, companies: 0, line_items: 0 } } };
}

const entry = (toId: string, at: number, source: "event" | "snapshot", removed = false): AssociationEntry => ({ dealId: "42", kind: "contacts", toId, removed, occurredAt: at, source });
// First seen 10 s after the move, the contact already there; its add event (5 s after the move) came later.
const SNAPSHOT = NOW + 10 * S;
const corrected: AssociationTimeline = { entries: [entry("c", SNAPSHOT, "snapshot"), entry("c", NOW + 5 * S, "event")], coverage: new Map([["42|contacts", SNAPSHOT]]) };

describe("recountStored", () => {
  it("recounts a change the late event corrects, and says the count's origin", () => {
    const [r] = recountStored([judgedMove()], corrected, "42", ["contacts"], new Set());
    expect(r?.was.change.associations.contacts).toBe(1);
    expect(r?.now.change.associations.contacts).toBe(0);
    expect(r?.now.change.origins?.["association:contacts"]?.reason).toMatch(/1 later association change undone/);
  });

  const cases: Array<{ name: string; timeline: AssociationTimeline; inBatch?: Set<string> }> = [
    { name: "counts that still agree: nothing to judge again", timeline: { entries: [entry("c", SNAPSHOT, "snapshot"), entry("c", NOW - 5 * S, "event")], coverage: new Map([["42|contacts", SNAPSHOT]]) } },
    { name: "a change this batch judges anyway", timeline: corrected, inBatch: new Set([changeKey(NOW, "updated")]) },
  ];
  it.each(cases)("$name", ({ timeline, inBatch }) => {
    expect(recountStored([judgedMove()], timeline, "42", ["contacts"], inBatch ?? new Set())).toEqual([]);
  });
});

describe("newlyBroken", () => {
  it("what the corrected counts break and the first verdict let through", () => {
    const [r] = recountStored([judgedMove()], corrected, "42", ["contacts"], new Set());
    if (r === undefined) throw new Error("not recounted");
    expect(newlyBroken(set, r).map((v) => v.ruleId)).toEqual(["presentation-needs-contact"]);
  });

  it("a violation the first verdict already found isn't found twice, nor one the correction lifts", () => {
    const was = judgedMove();
    const without = { ...was, change: { ...was.change, associations: { contacts: 0, companies: 0, line_items: 0 } } };
    expect(newlyBroken(set, { was: without, now: without })).toEqual([]);
    expect(newlyBroken(set, { was: without, now: was })).toEqual([]);
  });
});

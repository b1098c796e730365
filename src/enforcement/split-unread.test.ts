// Which deals of a batch cost no HubSpot read: changes no policy reads; changes no rule fires on, on a deal with no
// open violation; never a move, a creation, an association change, a merge or a restore, nor a deal with one judged change.
import { describe, expect, it } from "vitest";
import { updateTriggers } from "../policy";
import { groupDealEvents } from "./group-events";
import { eventsWithinCalls, FIRES_NO_RULE, likelyRead, NOT_READ_BY_POLICIES, splitUnread } from "./split-unread";
import { compile, event, NOW } from "./test-snapshot";

const ENTRY_ONLY = `
  - id: proposal-needs-amount
    on: { stageEntered: Presentation Scheduled }
    require: [amount, hs_next_step]
    message: "fill {{missing}}"`;
const ON_AMOUNT = `
  - id: amount-kept
    on: { propertyChanged: amount }
    assert: "new.amount > 0"
    message: "amount cleared"`;
const RESTRICTED = `
  - id: frozen-when-won
    restrictEdits: { stages: [Closed Won], users: ["userId:9"] }
    message: "edited a won deal"`;
const PROPERTIES = ["amount", "dealname", "dealstage", "hs_next_step", "hubspot_owner_id", "pipeline"];

const edit = (dealId: string, propertyName: string, at = NOW) => event({ objectId: dealId, propertyName, propertyValue: "x", occurredAt: at });

function split(rules: string, events: ReturnType<typeof event>[], withOpen: string[] = []) {
  const groups = [...groupDealEvents(events, { appId: "0", engineWrites: new Map() }).deals.values()];
  const { judged, unread } = splitUnread(groups, PROPERTIES, updateTriggers(compile(rules)), new Set(withOpen));
  return { judged: judged.map((g) => g.dealId), unread: unread.map((u) => [u.group.dealId, u.reason]) };
}

describe("splitUnread", () => {
  it.each([
    ["an edit of a property no policy reads", ENTRY_ONLY, [edit("1", "description")], [], { judged: [], unread: [["1", NOT_READ_BY_POLICIES]] }],
    ["an edit a rule only checks at a stage entry", ENTRY_ONLY, [edit("1", "hs_next_step")], [], { judged: [], unread: [["1", FIRES_NO_RULE]] }],
    ["the same edit on a deal with an open violation (it may make it good)", ENTRY_ONLY, [edit("1", "hs_next_step")], ["1"], { judged: ["1"], unread: [] }],
    ["an edit of a property a rule fires on", ENTRY_ONLY + ON_AMOUNT, [edit("1", "amount")], [], { judged: ["1"], unread: [] }],
    ["a stage move", ENTRY_ONLY, [edit("1", "dealstage")], [], { judged: ["1"], unread: [] }],
    ["a pipeline move", ENTRY_ONLY, [edit("1", "pipeline")], [], { judged: ["1"], unread: [] }],
    ["an edit with a move in the same batch (judged whole)", ENTRY_ONLY, [edit("1", "hs_next_step", NOW - 5_000), edit("1", "dealstage")], [], { judged: ["1"], unread: [] }],
    ["a creation", ENTRY_ONLY, [event({ objectId: "1", subscriptionType: "deal.creation", propertyName: null, propertyValue: null })], [], { judged: ["1"], unread: [] }],
    ["an association change", ENTRY_ONLY, [event({ objectId: "1", subscriptionType: "deal.associationChange", propertyName: null, propertyValue: null, associationType: "DEAL_TO_CONTACT", fromObjectId: "1", toObjectId: "9", associationRemoved: false })], [], { judged: ["1"], unread: [] }],
    ["any edit of a read property under a restrictEdits rule without on:", ENTRY_ONLY + RESTRICTED, [edit("1", "hs_next_step")], [], { judged: ["1"], unread: [] }],
  ])("%s", (_name, rules, events, withOpen, expected) => {
    expect(split(rules, events, withOpen)).toEqual(expected);
  });

  it("sorts each deal of a batch on its own", () => {
    const events = [edit("1", "hs_next_step"), edit("2", "dealstage"), edit("3", "description"), edit("4", "amount")];
    expect(split(ENTRY_ONLY, events, ["4"])).toEqual({ judged: ["2", "4"], unread: [["1", FIRES_NO_RULE], ["3", NOT_READ_BY_POLICIES]] });
  });

  it("sizes the budget for the deals a run will likely read: every deal before the set is known", () => {
    const events = [edit("1", "hs_next_step"), edit("2", "dealstage"), edit("2", "hs_next_step"), edit("3", "description"), edit("4", "amount")];
    expect(likelyRead(events, null)).toBe(4);
    expect(likelyRead(events, compile(ENTRY_ONLY))).toBe(1);
    expect(likelyRead(events, compile(ENTRY_ONLY + ON_AMOUNT))).toBe(2);
    expect(likelyRead(events, compile(ENTRY_ONLY + RESTRICTED))).toBe(3);
  });
});

describe("the part of a batch a refused run can take now", () => {
  const move = (dealId: string, at: number) => event({ objectId: dealId, propertyName: "dealstage", propertyValue: "qualifiedtobuy", occurredAt: at });
  // 120 deals moved in turn, the first one edited again at the end; one deal only edited (no read).
  const events = [...Array.from({ length: 120 }, (_, i) => move(`d${i}`, NOW + i)), edit("e0", "description", NOW + 500), edit("d0", "hs_next_step", NOW + 1_000)];
  const dealsOf = (part: ReturnType<typeof event>[]) => [...new Set(part.map((e) => e.objectId))];

  it.each([
    { calls: 2, deals: 0 },
    { calls: 3, deals: 50 },
    { calls: 4, deals: 100 },
  ])("with room for $calls calls: the first $deals deals read, each with all its events", ({ calls, deals }) => {
    const part = eventsWithinCalls(events, compile(ENTRY_ONLY), calls);
    const taken = dealsOf(part);
    expect(taken.slice(0, deals)).toEqual(Array.from({ length: deals }, (_, i) => `d${i}`));
    expect(taken.filter((id) => id.startsWith("d"))).toHaveLength(deals);
    // d0's late edit goes with its move; e0 (no read) comes after the first deal that didn't fit, so it waits too.
    if (deals > 0) expect(part.filter((e) => e.objectId === "d0")).toHaveLength(2);
    expect(taken.includes("e0")).toBe(false);
  });

  it("takes a deal that costs no read when every read before it fits", () => {
    const part = eventsWithinCalls(events, compile(ENTRY_ONLY), 5);
    expect(dealsOf(part)).toHaveLength(121);
  });
});

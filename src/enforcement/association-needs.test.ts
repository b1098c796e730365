// Which association counts a deal's changes depend on: a snapshot (a HubSpot call per kind) is taken only for those.
import { describe, expect, it } from "vitest";
import { makeChange, NOW } from "../policy/test-portal";
import { associationNeeds } from "./association-needs";
import { compile } from "./test-snapshot";

const set = compile(`
  - id: presentation-needs-contact
    on: { stageEntered: Presentation Scheduled }
    associations: { contacts: 1 }
  - id: contract-needs-company
    on: { stageEntered: Contract Sent }
    associations: { companies: 1, contacts: 2 }
  - id: amount-set
    on: { propertyChanged: amount }
    require: [amount]`);
const kinds = ["contacts", "companies", "line_items"] as const;
const move = (to: string) => makeChange({ toStage: to, new: { ...makeChange().new, dealstage: to } });
const edit = makeChange({ fromStage: "presentationscheduled", changedProperties: ["amount"], new: { ...makeChange().new, amount: null } });
const open = (ruleId: string, toStage: string) => ({ id: "v1", policyId: "test-policy", ruleId, toStage, fromStage: null, fromPipelineId: null, occurredAt: NOW });

describe("associationNeeds", () => {
  it.each([
    ["a move a contact rule fires on", [move("presentationscheduled")], ["contacts"]],
    ["a move a rule counts two kinds on", [move("contractsent")], ["contacts", "companies"]],
    ["a move no association rule fires on", [move("decisionmakerboughtin")], []],
    ["an edit (another rule fires, on no count)", [edit], []],
    ["several changes: the union", [edit, move("presentationscheduled"), move("contractsent")], ["contacts", "companies"]],
  ])("%s", (_name, changes, expected) => {
    expect(associationNeeds(set, [...kinds], changes, move("decisionmakerboughtin"), [], NOW)).toEqual(expected);
  });

  it("only among the kinds asked about", () => {
    expect(associationNeeds(set, ["companies", "line_items"], [move("presentationscheduled"), move("contractsent")], move("decisionmakerboughtin"), [], NOW)).toEqual(["companies"]);
  });

  it("an open violation's re-check on the deal as it is now counts too", () => {
    const current = { ...move("contractsent"), kind: "scan" as const };
    expect(associationNeeds(set, [...kinds], [edit], current, [open("contract-needs-company", "contractsent")], NOW)).toEqual(["contacts", "companies"]);
    expect(associationNeeds(set, [...kinds], [edit], current, [], NOW)).toEqual([]);
  });
});

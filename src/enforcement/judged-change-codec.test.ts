// The stored form of a judged change round-trips what a back-test needs to judge it as the engine did — including the
// association counts just before a change that added one (what makes a skip good, policy/skipped-criteria.ts).
import { describe, expect, it } from "vitest";
import { makeChange } from "../policy/test-portal";
import { decodeJudgedChange, encodeJudgedChange } from "./judged-change-codec";

const built = (extra: Parameters<typeof makeChange>[0] = {}) => ({ change: makeChange(extra), stageMoved: true, fromEnteredAt: 1_000, inboxHashes: ["h"] });

describe("judged change codec", () => {
  it("round-trips a change, old values included", () => {
    const b = built();
    expect(decodeJudgedChange(encodeJudgedChange(b))).toEqual({ ok: true, value: { ...b, change: { ...b.change, approval: null }, inboxHashes: [] } });
  });

  it("keeps the counts just before an association change, and adds none where there were none", () => {
    const before = { contacts: 0, companies: 1, line_items: 0 };
    const decoded = decodeJudgedChange(encodeJudgedChange(built({ associationsBefore: before })));
    expect(decoded.ok && decoded.value.change.associationsBefore).toEqual(before);
    const plain = decodeJudgedChange(encodeJudgedChange(built()));
    expect(plain.ok && "associationsBefore" in plain.value.change).toBe(false);
  });

  it("keeps which association kinds had no timeline yet (counted 0), and says nothing when all were counted", () => {
    const decoded = decodeJudgedChange(encodeJudgedChange({ ...built(), uncounted: ["companies", "line_items"] }));
    expect(decoded.ok && decoded.value.uncounted).toEqual(["companies", "line_items"]);
    expect(encodeJudgedChange({ ...built(), uncounted: [] })).not.toContain("uncounted");
  });

  it("names a malformed field instead of guessing", () => {
    const stored = JSON.parse(encodeJudgedChange(built())) as Record<string, unknown>;
    expect(decodeJudgedChange(JSON.stringify({ ...stored, associationsBefore: { contacts: "1" } }))).toEqual({ ok: false, error: "associationsBefore: malformed" });
    expect(decodeJudgedChange(JSON.stringify({ ...stored, uncounted: ["deals"] }))).toEqual({ ok: false, error: "uncounted: malformed" });
    expect(decodeJudgedChange("{")).toMatchObject({ ok: false });
  });
});

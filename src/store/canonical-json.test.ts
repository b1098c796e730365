// canonicalJson must keep giving exactly the text the inbox keys were built from (a changed text would re-key every
// stored event and break dedupe), and must not throw on input nested deeper than any call stack.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, hashEvent } from "./event-hash";

/** The recursive definition the inbox keys were first built with: the reference the iterative walk must match. */
function recursiveCanonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v: unknown) => recursiveCanonicalJson(v === undefined ? null : v)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${recursiveCanonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A value `depth` levels deep (arrays and objects alternating) and its canonical text, built without recursion. */
function nested(depth: number): { value: unknown; text: string } {
  let value: unknown = { leaf: true };
  let open = "";
  let close = "";
  for (let i = 0; i < depth; i++) {
    const isArray = i % 2 === 0;
    value = isArray ? [value] : { k: value };
    open = (isArray ? "[" : '{"k":') + open;
    close += isArray ? "]" : "}";
  }
  return { value, text: `${open}{"leaf":true}${close}` };
}

describe("canonicalJson", () => {
  it("gives the same text as the recursive definition for any JSON value", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  it("drops undefined object members and writes undefined array elements as null, like the reference", () => {
    const value = { b: undefined, a: [undefined, 1, { z: 1, y: undefined }] };
    expect(canonicalJson(value)).toBe('{"a":[null,1,{"z":1}]}');
    expect(canonicalJson(value)).toBe(recursiveCanonicalJson(value));
  });

  it("handles 100,000 levels without RangeError (the reference overflows the stack)", async () => {
    const deep = nested(100_000);
    expect(() => recursiveCanonicalJson(deep.value)).toThrow(RangeError);
    expect(canonicalJson(deep.value)).toBe(deep.text);
    expect(await hashEvent({ eventId: 1, attemptNumber: 0, payload: deep.value })).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000); // a guard against hangs only: the machine running the suite may be busy
});

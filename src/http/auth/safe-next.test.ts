import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT, safeNextPath } from "./safe-next";

describe("safeNextPath", () => {
  it("keeps same-site paths, with their query and fragment", () => {
    expect(safeNextPath("/dashboard")).toBe("/dashboard");
    expect(safeNextPath("/dashboard/violations?status=open&sort=-occurredAt#top")).toBe("/dashboard/violations?status=open&sort=-occurredAt#top");
    expect(safeNextPath("/api/docs")).toBe("/api/docs");
  });

  it("percent-encodes what a Location header can't carry", () => {
    expect(safeNextPath("/dashboard/reps/Zoë Ä")).toBe("/dashboard/reps/Zo%C3%AB%20%C3%84");
  });

  const refused: Array<[string, unknown]> = [
    ["CR LF (header injection)", "/dashboard\r\nSet-Cookie: x=1"],
    ["LF alone", "/dashboard\n"],
    ["NUL", "/dashboard\u0000"],
    ["tab, which browsers drop: /\\t/evil → //evil", "/\t/evil.example"],
    ["DEL", "/dashboard\u007f"],
    ["protocol-relative", "//evil.example/dashboard"],
    ["backslash read as slash", "/\\evil.example"],
    ["absolute URL", "https://evil.example/dashboard"],
    ["javascript: URL", "javascript:alert(1)"],
    ["relative path", "dashboard"],
    ["empty", ""],
    ["not a string", ["/dashboard"]],
    ["undefined", undefined],
    ["too long", `/${"a".repeat(3000)}`],
  ];
  for (const [name, next] of refused) {
    it(`refuses ${name} → ${DEFAULT_NEXT}`, () => {
      expect(safeNextPath(next)).toBe(DEFAULT_NEXT);
    });
  }

  it("property: the answer is always a same-site path a Location header can carry", () => {
    const nasty = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.string({ unit: fc.constantFrom("/", "\\", "\r", "\n", "\u0000", "\t", ".", ":", "@", "%", "a", "?", "#", " ", "é"), maxLength: 20 }),
      fc.webUrl().map((u) => u.replace(/^https?:/, "")),
    );
    fc.assert(
      fc.property(nasty, (next) => {
        const path = safeNextPath(next);
        expect(path.startsWith("/")).toBe(true);
        expect(path.startsWith("//")).toBe(false);
        expect(path).toMatch(/^[\x21-\x7e]+$/);
        expect(new URL(path, "https://dg.test").origin).toBe("https://dg.test");
        expect(() => new Headers({ location: path })).not.toThrow();
      }),
      { numRuns: 300 },
    );
  }, 60_000); // a guard against hangs only: the machine running the suite may be busy
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { startsLikeFormula, toCsvCell } from "./csv";

describe("toCsvCell neutralises what a spreadsheet would run (OWASP CSV injection)", () => {
  const neutralised: Array<[string, string, string]> = [
    ["=", "=HYPERLINK(\"https://evil.example\",\"x\")", `"'=HYPERLINK(""https://evil.example"",""x"")"`],
    ["+", "+1+1", "'+1+1"],
    ["-", "-2+3", "'-2+3"],
    ["@", "@SUM(A1)", "'@SUM(A1)"],
    ["tab", "\t=1+1", "'\t=1+1"],
    ["CR", "\r=1+1", `"'\r=1+1"`],
    ["LF", "\n=1+1", `"'\n=1+1"`],
    ["NUL", "\u0000x", "'\u0000x"],
    ["a space before =", " =1+1", "' =1+1"],
    ["spaces before @", "   @cmd", "'   @cmd"],
    ["no-break space before +", "\u00a0+1", "'\u00a0+1"],
    ["ideographic space before -", "\u3000-1", "'\u3000-1"],
    ["zero-width space before =", "\u200b=1", "'\u200b=1"],
    ["byte-order mark before =", "\ufeff=1", "'\ufeff=1"],
    ["full-width ＝", "＝1+1", "'＝1+1"],
    ["full-width ＋", "＋1", "'＋1"],
    ["full-width －", "－1", "'－1"],
    ["full-width ＠", "＠SUM(A1)", "'＠SUM(A1)"],
    ["small ﹦", "﹦1", "'﹦1"],
    ["minus sign −", "−1", "'−1"],
  ];
  for (const [name, input, expected] of neutralised) {
    it(`leading ${name}`, () => {
      expect(toCsvCell(input)).toBe(expected);
    });
  }

  it("leaves ordinary text, inner formula characters and our own numbers alone", () => {
    expect(toCsvCell("Acme = big deal")).toBe("Acme = big deal");
    expect(toCsvCell(" Acme")).toBe(" Acme");
    expect(toCsvCell("")).toBe("");
    expect(toCsvCell(null)).toBe("");
    expect(toCsvCell(-5)).toBe("-5");
    expect(toCsvCell(true)).toBe("true");
    expect(toCsvCell(["=a", "b"])).toBe(`"[""=a"",""b""]"`);
    expect(toCsvCell(["a"])).toBe(`"[""a""]"`);
  });

  it("property: no text cell, once unquoted, starts like a formula unless it starts with the apostrophe", () => {
    const unit = fc.constantFrom("=", "+", "-", "@", "\t", "\r", "\n", " ", "\u3000", "\u200b", "＝", "a", "1", '"', ",", "'");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 8 }), fc.string()), (text) => {
        const cell = toCsvCell(text);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        expect(startsLikeFormula(unquoted) ? unquoted.startsWith("'") : true).toBe(true);
        expect(unquoted === text || unquoted === `'${text}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

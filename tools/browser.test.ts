// The one browser launcher: CHROMIUM_PATH when set, else the Chromium shipped in the npm package.
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveChromium } from "./browser";

describe("resolveChromium", () => {
  it("uses CHROMIUM_PATH when it names a file, and refuses one that doesn't exist", () => {
    expect(resolveChromium({ CHROMIUM_PATH: process.execPath })).toEqual({ executablePath: process.execPath, source: "CHROMIUM_PATH", env: {} });
    expect(() => resolveChromium({ CHROMIUM_PATH: "/nonexistent/chromium" })).toThrow("CHROMIUM_PATH=/nonexistent/chromium: no such file");
  });
  it("otherwise unpacks the npm-shipped build with its own libraries and fonts, never a system browser", () => {
    const binary = resolveChromium({});
    expect(binary.source).toMatch(/^npm:@sparticuz\/chromium@143\./);
    expect(binary.executablePath).not.toMatch(/^\/usr\//);
    expect(existsSync(binary.executablePath)).toBe(true);
    expect(existsSync(`${binary.env.LD_LIBRARY_PATH ?? ""}/libnss3.so`)).toBe(true);
    expect(existsSync(binary.env.FONTCONFIG_FILE ?? "")).toBe(true);
  });
});

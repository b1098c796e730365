// npm start's watcher: an edit is checked and re-bundled (one line); a failing edit keeps the last good bundle and
// says where the error is (file:line).
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeBundle } from "./bundle";
import type { CliIO } from "./io";
import { watchPolicies, type RebuildResult } from "./watch";

const SHIPPED = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "policies");
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function capture(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe("watchPolicies", () => {
  it("reloads a good edit and rejects a bad one, keeping the running set", async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), "dg-watch-"));
    cleanups.push(() => rmSync(tmp, { recursive: true, force: true }));
    const dir = path.join(tmp, "policies");
    cpSync(SHIPPED, dir, { recursive: true });
    const outFile = path.join(tmp, "generated", "policies.ts");
    expect(await writeBundle({ dir, outFile }, capture())).toBe(0);

    const io = capture();
    const results: RebuildResult[] = [];
    let next: (r: RebuildResult) => void = () => undefined;
    const rebuilt = () => new Promise<RebuildResult>((resolve) => { next = resolve; });
    const stop = watchPolicies({ dir, outFile, io, debounceMs: 100, onRebuilt: (r) => { results.push(r); next(r); } });
    cleanups.push(stop);

    const file = path.join(dir, "forecast-hygiene.yaml");
    const original = readFileSync(file, "utf8");
    // Saved the way editors (and sed -i) save: a temp file renamed over the original.
    let done = rebuilt();
    writeFileSync(`${file}.tmp~`, original.replace("Update the close date of", "Please update the close date of"));
    renameSync(`${file}.tmp~`, file);
    expect(await done).toBe("reloaded");
    expect(readFileSync(outFile, "utf8")).toContain("Please update the close date of");
    expect(io.stdout.at(-1)).toMatch(/^\d\d:\d\d:\d\d ✓ policies reloaded: 5 policies, 20 rules/);

    done = rebuilt();
    writeFileSync(file, original.replace("assert: new.closedate >= startOfDay(now)", "assert: new.closdate >= startOfDay(now)"));
    expect(await done).toBe("rejected");
    expect(readFileSync(outFile, "utf8")).toContain("Please update the close date of");
    const errors = io.stderr.join("\n");
    expect(errors).toMatch(/forecast-hygiene\.yaml:\d+:\d+/);
    expect(errors).toContain("closdate");
    expect(io.stderr.at(-1)).toMatch(/policy edit rejected; the engine keeps running the previous policies$/);
  });
});

// The local D1 and the simulated portal it came from stay together: continue both, or move the database aside.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localStatePaths, reconcileLocalState, type LocalState } from "./local-state";

const roots: string[] = [];
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(opts: { database: boolean; portal: boolean }): LocalState {
  const root = mkdtempSync(path.join(tmpdir(), "dg-state-"));
  roots.push(root);
  const state = localStatePaths(root, 62515);
  const objects = path.join(state.d1Dir, "miniflare-D1DatabaseObject");
  mkdirSync(objects, { recursive: true });
  writeFileSync(path.join(objects, "metadata.sqlite"), "");
  if (opts.database) writeFileSync(path.join(objects, "abc123.sqlite"), "db");
  if (opts.portal) {
    mkdirSync(path.dirname(state.portalFile), { recursive: true });
    writeFileSync(state.portalFile, "{}");
  }
  return state;
}

const now = new Date("2026-12-01T10:00:00Z");

describe("reconcileLocalState", () => {
  it("starts fresh on a clean checkout", () => {
    expect(reconcileLocalState(project({ database: false, portal: false }), { fresh: false, now })).toEqual({ kind: "new" });
  });
  it("continues a database together with its portal", () => {
    const state = project({ database: true, portal: true });
    expect(reconcileLocalState(state, { fresh: false, now })).toEqual({ kind: "continue" });
    expect(existsSync(state.portalFile)).toBe(true);
  });
  it("moves aside a database whose portal is gone, instead of mixing it with a new portal", () => {
    const state = project({ database: true, portal: false });
    const decision = reconcileLocalState(state, { fresh: false, now });
    expect(decision).toMatchObject({ kind: "archived", reason: expect.stringContaining("portal is gone") });
    expect(existsSync(state.d1Dir)).toBe(false);
    if (decision.kind !== "archived") throw new Error("unreachable");
    expect(readdirSync(path.join(decision.archivedTo, "miniflare-D1DatabaseObject"))).toContain("abc123.sqlite");
  });
  it("--fresh moves both aside", () => {
    const state = project({ database: true, portal: true });
    const decision = reconcileLocalState(state, { fresh: true, now });
    expect(decision).toMatchObject({ kind: "archived", reason: "--fresh" });
    expect(existsSync(state.portalFile)).toBe(false);
    if (decision.kind !== "archived") throw new Error("unreachable");
    expect(existsSync(path.join(decision.archivedTo, "hubspot-sim", "portal-62515.json"))).toBe(true);
  });
});

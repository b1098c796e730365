// The tokens CLI as an admin runs it: --help, a past expiry refused, teams by name (checked against the cached teams).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyLocalMigrations, DATABASE, localD1Args, projectRoot, runWrangler, wranglerEnv } from "../wrangler-cli";

let persistDir = "";

function tokens(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ["--import", "tsx", "tools/tokens/cli.ts", ...args], { cwd: projectRoot, env: wranglerEnv, encoding: "utf8" });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

beforeAll(() => {
  persistDir = mkdtempSync(path.join(tmpdir(), "dg-tokens-"));
  applyLocalMigrations({ persistDir });
  const sql = "INSERT INTO teams (id, name, fetched_at) VALUES ('team-east', 'East', 1), ('team-west', 'West', 1);";
  runWrangler(["d1", "execute", DATABASE, ...localD1Args({ persistDir }), "--command", sql]);
}, 60_000);
afterAll(() => {
  if (persistDir) rmSync(persistDir, { recursive: true, force: true });
});

describe("tokens CLI", () => {
  it("--help prints the usage and exits 0; an unknown command exits 2", () => {
    const help = tokens(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("usage: npm run tokens -- <command>");
    expect(tokens(["frobnicate"]).status).toBe(2);
  });
  it("refuses an expiry in the past", () => {
    const res = tokens(["create", "--name", "late", "--role", "admin", "--expires", "2020-01-01", "--persist-to", persistDir]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("--expires 2020-01-01 is in the past");
  });
  it("takes team names, lists the teams, and refuses an unknown one with the known ones", () => {
    const created = tokens(["create", "--name", "east-lead", "--role", "manager", "--teams", "east", "--persist-to", persistDir]);
    expect(created.status).toBe(0);
    expect(created.stdout).toContain('Created manager token "east-lead"');
    expect(created.stdout).toContain("for teams team-east");
    const listed = tokens(["teams", "--persist-to", persistDir]);
    expect(listed.stdout).toMatch(/team-east\s+East\n.*team-west\s+West/);
    const unknown = tokens(["create", "--name", "x", "--role", "manager", "--teams", "Eest", "--persist-to", persistDir]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('--teams: no team "Eest" (did you mean "East"?); known teams: East (team-east), West (team-west)');
  }, 180_000); // nine wrangler d1 runs (a few seconds each on a loaded 2-core machine)
});

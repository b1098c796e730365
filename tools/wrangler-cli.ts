// Runs the project's own wrangler CLI for the Node-side tools (benchmarks, CLIs, Node tests): one place for the
// binary's path and the quiet environment. Node-only; never imported by the Worker.
import { spawnSync } from "node:child_process";
import path from "node:path";

export const projectRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
export const wranglerBin = path.join(projectRoot, "node_modules", ".bin", "wrangler");
export const DATABASE = "deal-governance";

/** No request.cf lookups and no telemetry (both reach the internet); CI keeps wrangler from prompting. */
export const wranglerEnv: NodeJS.ProcessEnv = { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };

const BUSY_RETRIES = 5;

/**
 * Runs `wrangler <args>` from the project root to completion; returns its stdout, throws with its output on failure.
 * A local D1 that a running `npm start` is writing answers SQLITE_BUSY now and then: retried with backoff.
 */
export function runWrangler(args: string[]): string {
  for (let attempt = 0; ; attempt++) {
    // Room for a large `d1 execute --json` answer (the default 1 MB cuts it off).
    const res = spawnSync(wranglerBin, args, { cwd: projectRoot, env: wranglerEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    if (res.error) throw new Error(`wrangler ${args.slice(0, 3).join(" ")} could not start: ${res.error.message}`);
    if (res.status === 0) return res.stdout;
    const output = res.stderr || res.stdout;
    if (attempt < BUSY_RETRIES && output.includes("SQLITE_BUSY")) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250 * 2 ** attempt);
      continue;
    }
    throw new Error(`wrangler ${args.slice(0, 3).join(" ")} failed (exit ${res.status ?? "signal"}):\n${output}`);
  }
}

/** `--local` plus, when given, the state dir and config file: the same local D1 that `wrangler dev` gets. */
export function localD1Args(opts: { persistDir?: string; configPath?: string }): string[] {
  return ["--local", ...(opts.persistDir ? ["--persist-to", opts.persistDir] : []), ...(opts.configPath ? ["--config", opts.configPath] : [])];
}

/** Applies migrations/ to the local D1 (idempotent: applied ones are skipped). Throws if wrangler fails. */
export function applyLocalMigrations(opts: { persistDir?: string; configPath?: string } = {}): void {
  runWrangler(["d1", "migrations", "apply", DATABASE, ...localD1Args(opts)]);
}

// `npm start`'s policy watcher: on every edit under policies/, check + bundle into src/generated/policies.ts, which
// `wrangler dev` hot-reloads. A failing edit writes nothing, so the running engine keeps its last good set.
import { watch, type FSWatcher } from "node:fs";
import { writeBundle } from "./bundle";
import type { CliIO } from "./io";

export interface PolicyWatchOptions {
  dir: string;
  outFile: string;
  io: CliIO;
  /** Editors save in bursts (temp file, rename, chmod): wait this long for quiet. Default 250 ms. */
  debounceMs?: number;
  /** Told after each rebuild: "reloaded", "unchanged" or "rejected". For tests. */
  onRebuilt?: (result: RebuildResult) => void;
}

export type RebuildResult = "reloaded" | "unchanged" | "rejected";

/**
 * Starts watching `dir` (its top level: the bundle reads only that). Returns a function that stops it. The directory
 * itself is watched, not each file: editors save by renaming a temp file over the original, and Node 20's
 * recursive watcher on Linux loses a file after that (seen here).
 */
export function watchPolicies(opts: PolicyWatchOptions): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();
  const trigger = () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      // One rebuild at a time, in order: the last edit always gets the last word.
      running = running.then(() => rebuild(opts)).then((result) => opts.onRebuilt?.(result));
    }, opts.debounceMs ?? 250);
  };
  const watcher: FSWatcher = watch(opts.dir, trigger);
  watcher.on("error", (err) => opts.io.err(`✗ watching ${opts.dir} stopped: ${err.message}; restart npm start to pick up policy edits`));
  return () => {
    if (timer !== null) clearTimeout(timer);
    watcher.close();
  };
}

/** Checks and bundles once; prints one line on success, the file:line:col errors on failure. Never throws. */
export async function rebuild(opts: Pick<PolicyWatchOptions, "dir" | "outFile" | "io">): Promise<RebuildResult> {
  const out: string[] = [];
  const errors: string[] = [];
  let code: number;
  try {
    code = await writeBundle({ dir: opts.dir, outFile: opts.outFile }, { out: (l) => out.push(l), err: (l) => errors.push(l) });
  } catch (err) {
    errors.push(err instanceof Error ? err.message : String(err));
    code = 1;
  }
  const time = new Date().toTimeString().slice(0, 8);
  if (code !== 0) {
    // The errors (file:line:col …) minus bundle's own closing remark, then one line saying what it means.
    for (const line of errors.filter((l) => !l.startsWith("✗ not bundling"))) opts.io.err(`  ${line}`);
    opts.io.err(`${time} ✗ policy edit rejected; the engine keeps running the previous policies`);
    return "rejected";
  }
  if (out.some((l) => l.includes("is up to date"))) return "unchanged";
  const summary = out.find((l) => l.startsWith("✓") && l.includes("policies")) ?? "✓ policies bundled";
  opts.io.out(`${time} ${summary.replace(/^✓ /, "✓ policies reloaded: ")}`);
  return "reloaded";
}

// Keeps `npm start`'s two stores together: the local D1 (wrangler's default state dir) and the simulated portal it
// was filled from. The portal is saved INSIDE the D1 state dir, so they live and die together; a database whose
// portal is gone is moved aside (never deleted) instead of being mixed with a new portal's restarted deal ids.
import { existsSync, mkdirSync, readdirSync, renameSync } from "node:fs";
import path from "node:path";

export interface LocalState {
  /** wrangler's default `--persist-to` for `wrangler dev` and `d1 … --local` (the tokens CLI's too). */
  stateDir: string;
  /** The D1 part of it: deleting this folder resets the engine's database and the portal together. */
  d1Dir: string;
  /** The simulated portal's snapshot. */
  portalFile: string;
}

export function localStatePaths(projectRoot: string, portalId: number): LocalState {
  const stateDir = path.join(projectRoot, ".wrangler", "state");
  const d1Dir = path.join(stateDir, "v3", "d1");
  return { stateDir, d1Dir, portalFile: path.join(d1Dir, "hubspot-sim", `portal-${portalId}.json`) };
}

export type StateDecision =
  | { kind: "new" }
  | { kind: "continue" }
  /** The database has data but not the portal it came from (or --fresh): moved to `archivedTo`. */
  | { kind: "archived"; archivedTo: string; reason: string };

/** True when wrangler has created a D1 database file there (metadata alone doesn't count). */
export function hasLocalDatabase(d1Dir: string): boolean {
  const objects = path.join(d1Dir, "miniflare-D1DatabaseObject");
  return existsSync(objects) && readdirSync(objects).some((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
}

/**
 * Decides, before anything starts, whether the local D1 and the portal belong together; moves the D1 folder (with
 * any portal file in it) to `.wrangler/previous/<time>` when they don't or when `fresh` is asked. Throws only on I/O.
 */
export function reconcileLocalState(state: LocalState, opts: { fresh: boolean; now: Date }): StateDecision {
  const database = hasLocalDatabase(state.d1Dir);
  const portal = existsSync(state.portalFile);
  if (!opts.fresh && portal) return { kind: "continue" };
  if (!opts.fresh && !database) return { kind: "new" };
  if (!database && !portal) return { kind: "new" };
  const reason = opts.fresh
    ? "--fresh"
    : "it holds data from an earlier run whose simulated portal is gone (or from the tokens/seed CLIs); a new portal restarts its deal ids and would mix with that log";
  const archivedTo = path.join(path.dirname(state.stateDir), "previous", opts.now.toISOString().replace(/[:.]/g, "-"));
  mkdirSync(path.dirname(archivedTo), { recursive: true });
  renameSync(state.d1Dir, archivedTo);
  return { kind: "archived", archivedTo, reason };
}

// One step of the demo: a move picked by weight, played at a given time, and the rep's later fix planned.
// Shared by the backfill (simulated time) and the live phase (real time).
import type { Portal } from "../portal/portal";
import { createRng, type Rng } from "../portal/rng";
import { seedPortal } from "../portal/seed";
import { planFix } from "./fixes";
import { playMove, type MoveKind, type MoveResult, type ScenarioState } from "./moves";

export const STEP_MS = 1500;

/** Weighted move table: ~60 % compliant, the rest the violations management cares about. */
const MOVES: Array<[MoveKind, number]> = [
  ["create", 12], ["progress", 38], ["close-won", 5], ["close-lost", 5],
  ["skip-stages", 8], ["late-stage-missing-fields", 8], ["backward", 5], ["push-close-date", 8],
  ["import-change", 4], ["workflow-change", 4], ["merge", 1], ["delete-restore", 2],
];
const TOTAL = MOVES.reduce((n, [, w]) => n + w, 0);

/** `fixDelay`: how long a rep takes to fix a violation; the live phase replaces it with a few steps' worth. */
export function createScenarioState(seed: number, simNow: number, fixDelay: (rng: Rng) => number = () => 20 * STEP_MS): ScenarioState {
  return { rng: createRng(seed), simNow, step: 0, slipping: new Set(), lastAt: new Map(), fixes: [], fixDelay };
}

/** Seeds owners/teams/pipelines and a few historic deals when the portal is empty. */
export function prepareDemoPortal(portal: Portal): void {
  if (portal.store.owners.length === 0) seedPortal(portal, { teams: 2, ownersPerTeam: 3, deals: 12 });
}

/** Plays one step at `at` (epoch ms): picks a move by weight, applies it, and maybe plans the rep's fix. */
export function playDemoStep(portal: Portal, state: ScenarioState, at: number): MoveResult {
  state.step += 1;
  state.simNow = Math.max(state.simNow, at);
  let roll = state.rng.int(1, TOTAL);
  let kind: MoveKind = "progress";
  for (const [k, w] of MOVES) {
    roll -= w;
    if (roll <= 0) {
      kind = k;
      break;
    }
  }
  const move = playMove(portal, kind, state);
  planFix(portal, move, state);
  return move;
}


// The demo scenario: simulated reps over simulated weeks — mostly compliant, with realistic violations.
// Deterministic for a seed (given the same starting portal); speed scales real time between steps.
import type { Portal } from "../portal/portal";
import { createRng } from "../portal/rng";
import { seedPortal } from "../portal/seed";
import { playMove, type MoveKind, type MoveResult, type ScenarioState } from "./moves";

export interface DemoOptions {
  seed: number;
  /** 1 = one step every 1.5 s; 10 = ten times faster. */
  speed: number;
  /** Stop after this many steps (default: run until stopped). */
  maxSteps?: number;
  /** Simulated start date (epoch ms). */
  simStart?: number;
  onMove?: (move: MoveResult, state: ScenarioState) => void;
}

/** Weighted move table: ~60 % compliant, the rest the violations management cares about. */
const MOVES: Array<[MoveKind, number]> = [
  ["create", 12], ["progress", 38], ["close-won", 5], ["close-lost", 5],
  ["skip-stages", 8], ["late-stage-missing-fields", 8], ["backward", 5], ["push-close-date", 8],
  ["import-change", 4], ["workflow-change", 4], ["merge", 1], ["delete-restore", 2],
];
const TOTAL = MOVES.reduce((n, [, w]) => n + w, 0);
const SIM_HOURS_PER_STEP = 6;

export function createScenarioState(seed: number, simStart: number): ScenarioState {
  return { rng: createRng(seed), simNow: simStart, step: 0, slipping: new Set() };
}

/** Seeds owners/teams/pipelines and a few historic deals when the portal is empty. */
export function prepareDemoPortal(portal: Portal): void {
  if (portal.store.owners.length === 0) seedPortal(portal, { teams: 2, ownersPerTeam: 3, deals: 12 });
}

/** Plays one step of the demo: picks a move by weight and applies it. */
export function playDemoStep(portal: Portal, state: ScenarioState): MoveResult {
  state.step += 1;
  state.simNow += SIM_HOURS_PER_STEP * 3_600_000;
  let roll = state.rng.int(1, TOTAL);
  let kind: MoveKind = "progress";
  for (const [k, w] of MOVES) {
    roll -= w;
    if (roll <= 0) {
      kind = k;
      break;
    }
  }
  return playMove(portal, kind, state);
}

/** Runs the demo against the portal `getPortal()` returns (looked up each step, so a reset is followed). */
export function runDemo(getPortal: () => Portal | undefined, opts: DemoOptions): { stop(): void; done: Promise<void> } {
  const state = createScenarioState(opts.seed, opts.simStart ?? Date.now());
  const first = getPortal();
  if (first) prepareDemoPortal(first);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const interval = Math.max(10, Math.round(1500 / Math.max(0.01, opts.speed)));
  const tick = () => {
    const portal = getPortal();
    if (!portal || (opts.maxSteps !== undefined && state.step >= opts.maxSteps)) return finish();
    prepareDemoPortal(portal);
    opts.onMove?.(playDemoStep(portal, state), state);
    timer = setTimeout(tick, interval);
  };
  timer = setTimeout(tick, interval);
  return {
    stop: () => {
      if (timer !== null) clearTimeout(timer);
      finish();
    },
    done,
  };
}

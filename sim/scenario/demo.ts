// The demo scenario: simulated reps over simulated weeks — mostly compliant, with realistic violations, many of
// them fixed by the rep later. Two phases: an optional backfill (weeks of history played quickly, every write
// stamped at its simulated time — see backfill.ts), then the live phase at real time. Deterministic for a seed.
import type { Portal } from "../portal/portal";
import { seedPortal } from "../portal/seed";
import { runBackfill, type BackfillSummary } from "./backfill";
import { enableDemoNativeRules } from "./native-rules";
import { playDueFixes } from "./fixes";
import type { MoveResult, ScenarioState } from "./moves";
import { createScenarioState, playDemoStep, prepareDemoPortal, STEP_MS } from "./step";

export { createScenarioState, playDemoStep, prepareDemoPortal } from "./step";

export interface DemoOptions {
  seed: number;
  /** 1 = one step every 1.5 s; 10 = ten times faster. */
  speed: number;
  /** Stop after this many live steps (default: run until stopped); backfilled steps don't count. */
  maxSteps?: number;
  /** Weeks of history to backfill first when the portal has no deals yet (0 = none). */
  backfillWeeks?: number;
  /** Real time source (tests pass their own). */
  now?: () => number;
  onMove?: (move: MoveResult, state: ScenarioState) => void;
  onBackfill?: (summary: BackfillSummary) => void;
}

/** Runs the demo against the portal `getPortal()` returns (looked up each step, so a reset is followed). */
export function runDemo(getPortal: () => Portal | undefined, opts: DemoOptions): { stop(): void; done: Promise<void> } {
  const now = opts.now ?? Date.now;
  const interval = Math.max(10, Math.round(STEP_MS / Math.max(0.01, opts.speed)));
  const state = createScenarioState(opts.seed, now());
  let stopped = false;
  let liveSteps = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const tick = () => {
    const portal = getPortal();
    if (stopped || !portal || (opts.maxSteps !== undefined && liveSteps >= opts.maxSteps)) return finish();
    liveSteps += 1;
    prepareDemoPortal(portal);
    const at = now();
    for (const fix of playDueFixes(portal, state, at)) opts.onMove?.(fix, state);
    opts.onMove?.(playDemoStep(portal, state, at), state);
    timer = setTimeout(tick, interval);
  };
  const start = async () => {
    const first = getPortal();
    const weeks = opts.backfillWeeks ?? 0;
    // Only a fresh portal gets a past: a persisted or already-played one keeps its own history.
    if (first && weeks > 0 && first.store.list("deals", true).length === 0) {
      if (first.store.owners.length === 0) seedPortal(first, { teams: 2, ownersPerTeam: 3, deals: 0 });
      const summary = await runBackfill(first, state, { weeks, now: now(), stopped: () => stopped });
      opts.onBackfill?.(summary);
    } else if (first) prepareDemoPortal(first);
    // Live: HubSpot's own rule stops reps' UI skips; workflows still get through to the engine (both enforcement points).
    if (first) enableDemoNativeRules(first);
    // Live: fixes come a few steps after the mistake, so a watcher sees them resolve.
    state.fixDelay = (rng, urgent) => (urgent ? rng.int(2, 6) : rng.int(3, 25)) * interval;
    if (!stopped) timer = setTimeout(tick, interval);
    else finish();
  };
  void start().catch((e: unknown) => {
    console.error(`sim: demo stopped: ${e instanceof Error ? e.message : String(e)}`);
    finish();
  });
  return {
    stop: () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      finish();
    },
    done,
  };
}

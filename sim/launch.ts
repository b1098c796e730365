// Starts the simulator with its default portal (the one `npm run sim` and `npm start` use): credentials,
// seed data, optional persistence and the demo scenario. Shared by sim/main.ts and tools/start.ts.
import { loadPortal, persistOnChange } from "./portal/persist";
import type { Portal } from "./portal/portal";
import { seedPortal } from "./portal/seed";
import type { BackfillSummary } from "./scenario/backfill";
import { runDemo } from "./scenario/demo";
import type { MoveResult } from "./scenario/moves";
import { startSimulator, type RunningSimulator } from "./server";

/** Documented defaults of the default portal. */
export const SIM_DEFAULTS = { port: 8799, portalId: 62515, accessToken: "sim-token", clientSecret: "sim-client-secret", appId: 9393361 } as const;

export interface LaunchOptions {
  port: number;
  portalId: number;
  accessToken: string;
  clientSecret: string;
  appId: number;
  seed: number;
  /** Webhook target; without one, deliveries wait in the outbox. */
  target?: string;
  persist?: string;
  /** Seed historic deals (the demo wants some on screen from the start). */
  seedDeals: number;
}

export interface DemoStart {
  speed: number;
  /** Weeks of simulated history played first when the portal has no deals (0 = none). */
  backfillWeeks?: number;
  onMove?: (move: MoveResult, step: number) => void;
  onBackfill?: (summary: BackfillSummary) => void;
}

/** Default length of the demo's backfilled past. */
export const DEFAULT_BACKFILL_WEEKS = 8;

/** The console line a finished backfill prints. */
export function describeBackfill(s: BackfillSummary): string {
  const unanswered = s.delivered ? "" : " (some deliveries were still unanswered; the dispatcher keeps retrying)";
  return `backfilled ${s.weeks} week${s.weeks === 1 ? "" : "s"}: ${s.changes} changes (${s.fixes} of them fixes), ${s.webhooks} webhooks${s.events > 0 ? ` with ${s.events} events` : ""} in ${(s.tookMs / 1000).toFixed(1)} s${unanswered}`;
}

export interface LaunchedSimulator {
  sim: RunningSimulator;
  portal: Portal;
  loadedFromFile: boolean;
  /** Starts the demo scenario (backfilling `backfillWeeks` of history first on a fresh portal); returns its stop function. */
  startDemo(opts: DemoStart): () => void;
  close(): Promise<void>;
}

/** Reads launch options from env (SIM_PORT, SIM_PORTAL_ID, SIM_ACCESS_TOKEN, SIM_CLIENT_SECRET, SIM_APP_ID). */
export function launchOptionsFromEnv(env: NodeJS.ProcessEnv): Omit<LaunchOptions, "seed" | "seedDeals"> {
  return {
    port: Number(env.SIM_PORT ?? SIM_DEFAULTS.port),
    portalId: Number(env.SIM_PORTAL_ID ?? SIM_DEFAULTS.portalId),
    accessToken: env.SIM_ACCESS_TOKEN ?? SIM_DEFAULTS.accessToken,
    clientSecret: env.SIM_CLIENT_SECRET ?? SIM_DEFAULTS.clientSecret,
    appId: Number(env.SIM_APP_ID ?? SIM_DEFAULTS.appId),
  };
}

/** Starts the server and prepares the default portal. Throws when the port is taken. */
export async function launchSimulator(opts: LaunchOptions): Promise<LaunchedSimulator> {
  const sim = await startSimulator({
    port: opts.port,
    defaultPortal: {
      portalId: opts.portalId, accessToken: opts.accessToken, clientSecret: opts.clientSecret, appId: opts.appId, seed: opts.seed,
      webhook: opts.target ? { url: opts.target, mode: "push" } : { mode: "outbox" },
    },
  });
  const portal = sim.defaultPortal;
  if (!portal) throw new Error("default portal missing");
  let flushPersist: (() => void) | null = null;
  let loadedFromFile = false;
  if (opts.persist) {
    loadedFromFile = loadPortal(portal, opts.persist);
    flushPersist = persistOnChange(portal, opts.persist);
  }
  if (portal.store.owners.length === 0) seedPortal(portal, { teams: 2, ownersPerTeam: 3, deals: opts.seedDeals });
  const stops: Array<() => void> = [];
  return {
    sim,
    portal,
    loadedFromFile,
    startDemo: ({ speed, backfillWeeks, onMove, onBackfill }) => {
      const demo = runDemo(() => sim.registry.get(opts.portalId), { seed: opts.seed, speed, backfillWeeks: backfillWeeks ?? 0, onBackfill, onMove: (m, s) => onMove?.(m, s.step) });
      stops.push(demo.stop);
      return demo.stop;
    },
    close: async () => {
      for (const stop of stops) stop();
      flushPersist?.();
      await sim.close();
    },
  };
}

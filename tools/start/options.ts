// `npm start`'s command line and environment → one validated options object, or a usage error as a value.
import { parseArgs } from "node:util";
import { DEFAULT_BACKFILL_WEEKS, SIM_DEFAULTS } from "../../sim/launch";

export const ENGINE_DEFAULT_PORT = 8787;

export const START_USAGE = `usage: npm start [-- options]
  the engine (wrangler dev, local D1) against the HubSpot simulator, with the demo scenario; Ctrl-C stops both
  --port <n>             engine port (env ENGINE_PORT; default ${ENGINE_DEFAULT_PORT})
  --sim-port <n>         simulator port (env SIM_PORT; default ${SIM_DEFAULTS.port})
  --quiet                no demo scenario (act through the simulator's control API)
  --seed <n>             demo seed (default 42)
  --speed <x>            demo speed factor (default 1)
  --backfill-weeks <n>   simulated weeks of history played first on a fresh portal (default ${DEFAULT_BACKFILL_WEEKS})
  --fresh                start a new portal and an empty local database (the old ones are moved aside, not deleted)
  --help                 this text
The simulated portal is kept beside the local database (.wrangler/state), so a restart continues both.`;

export interface StartOptions {
  enginePort: number;
  simPort: number;
  quiet: boolean;
  seed: number;
  speed: number;
  backfillWeeks: number;
  fresh: boolean;
}

export type ParsedStart = { kind: "run"; options: StartOptions } | { kind: "help" } | { kind: "error"; message: string };

/** Parses argv (without node and script) and env. Flags win over env. Never throws. */
export function parseStartOptions(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedStart {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        help: { type: "boolean", short: "h", default: false },
        port: { type: "string" },
        "sim-port": { type: "string" },
        quiet: { type: "boolean", default: false },
        seed: { type: "string", default: "42" },
        speed: { type: "string", default: "1" },
        "backfill-weeks": { type: "string", default: String(DEFAULT_BACKFILL_WEEKS) },
        fresh: { type: "boolean", default: false },
      },
    }));
  } catch (err) {
    return { kind: "error", message: err instanceof Error ? err.message : String(err) };
  }
  if (values.help) return { kind: "help" };
  const enginePort = readPort(values.port, "--port", env.ENGINE_PORT, "ENGINE_PORT", ENGINE_DEFAULT_PORT);
  if (typeof enginePort === "string") return { kind: "error", message: enginePort };
  const simPort = readPort(values["sim-port"], "--sim-port", env.SIM_PORT, "SIM_PORT", SIM_DEFAULTS.port);
  if (typeof simPort === "string") return { kind: "error", message: simPort };
  if (enginePort === simPort) return { kind: "error", message: `the engine and the simulator cannot share port ${enginePort}` };
  const seed = Number(values.seed);
  const speed = Number(values.speed);
  const backfillWeeks = Number(values["backfill-weeks"]);
  if (!Number.isInteger(seed)) return { kind: "error", message: `--seed must be a whole number, not "${values.seed}"` };
  if (!(speed > 0)) return { kind: "error", message: `--speed must be a number above 0, not "${values.speed}"` };
  if (!Number.isInteger(backfillWeeks) || backfillWeeks < 0) return { kind: "error", message: `--backfill-weeks must be a whole number ≥ 0, not "${values["backfill-weeks"]}"` };
  return { kind: "run", options: { enginePort, simPort, quiet: values.quiet, seed, speed, backfillWeeks, fresh: values.fresh } };
}

function readPort(flag: string | undefined, flagName: string, envValue: string | undefined, envName: string, fallback: number): number | string {
  const [raw, source] = flag !== undefined ? [flag, flagName] : envValue !== undefined && envValue !== "" ? [envValue, envName] : [String(fallback), "default"];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return `${source} must be a port number (1-65535), not "${raw}"`;
  return port;
}

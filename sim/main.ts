// `npm run sim`: the simulator with one default portal (credentials from flags/env, defaults in sim/launch.ts),
// optionally pushing webhooks to --target and playing --scenario demo. Ctrl-C stops it cleanly.
import { parseArgs } from "node:util";
import { DEFAULT_BACKFILL_WEEKS, describeBackfill, launchOptionsFromEnv, launchSimulator, SIM_DEFAULTS } from "./launch";

const USAGE = `usage: npm run sim -- [options]
  the HubSpot simulator with one default portal (see docs/simulator.md); Ctrl-C stops it
  --port <n>              listen port on 127.0.0.1 (env SIM_PORT; default ${SIM_DEFAULTS.port})
  --target <url>          POST signed webhooks there (otherwise they wait in the outbox)
  --scenario demo         play simulated reps; --quiet turns it off
  --seed <n> --speed <x> --backfill-weeks <n>   the scenario's seed, pace and backfilled history
  --persist <file>        load the portal from / save it to a JSON file
  --portal-id --token --client-secret --app-id  the default portal's credentials (env SIM_PORTAL_ID, …)
  --help                  this text`;

let parsed;
try {
  parsed = parseArgs({
    options: {
      help: { type: "boolean", short: "h", default: false },
      port: { type: "string" },
      target: { type: "string" },
      scenario: { type: "string" },
      quiet: { type: "boolean", default: false },
      seed: { type: "string", default: "42" },
      speed: { type: "string", default: "1" },
      "backfill-weeks": { type: "string", default: String(DEFAULT_BACKFILL_WEEKS) },
      persist: { type: "string" },
      "portal-id": { type: "string" },
      token: { type: "string" },
      "client-secret": { type: "string" },
      "app-id": { type: "string" },
    },
  });
} catch (err) {
  console.error(`sim: ${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const fromEnv = launchOptionsFromEnv(process.env);
const options = {
  port: values.port !== undefined ? Number(values.port) : fromEnv.port,
  portalId: values["portal-id"] !== undefined ? Number(values["portal-id"]) : fromEnv.portalId,
  accessToken: values.token ?? fromEnv.accessToken,
  clientSecret: values["client-secret"] ?? fromEnv.clientSecret,
  appId: values["app-id"] !== undefined ? Number(values["app-id"]) : fromEnv.appId,
  seed: Number(values.seed),
  target: values.target,
  persist: values.persist,
};
const speed = Number(values.speed);
const backfillWeeks = Number(values["backfill-weeks"]);
const demo = values.scenario === "demo" && !values.quiet;
if (![options.port, options.portalId, options.appId, options.seed, speed, backfillWeeks].every(Number.isFinite) || backfillWeeks < 0) {
  console.error("sim: --port, --portal-id, --app-id, --seed, --speed and --backfill-weeks must be numbers");
  process.exit(2);
}
if (values.scenario !== undefined && values.scenario !== "demo") {
  console.error(`sim: unknown scenario "${values.scenario}" (known: demo)`);
  process.exit(2);
}

// With a backfill, the demo's deals come from the simulated weeks; without one, a few seeded deals start it off.
const launched = await launchSimulator({ ...options, seedDeals: demo && backfillWeeks === 0 ? 12 : 0 }).catch((err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code;
  console.error(`sim: cannot listen on port ${options.port}: ${code === "EADDRINUSE" ? "already in use (choose another with --port or SIM_PORT)" : err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
const { sim } = launched;
console.log(`sim: HubSpot simulator on ${sim.url} (portal ${options.portalId}, app ${options.appId}, token ${options.accessToken})`);
console.log(`sim: webhooks ${options.target ? `→ ${options.target} (signed v3 with the client secret)` : "→ outbox (no --target)"}`);
if (options.persist) console.log(`sim: ${launched.loadedFromFile ? "loaded" : "persisting to"} ${options.persist}`);
if (demo) {
  launched.startDemo({
    speed,
    backfillWeeks,
    onBackfill: (s) => console.log(`sim: ${describeBackfill(s)}`),
    onMove: (m, step) => console.log(`sim: [step ${step}] ${m.text}`),
  });
  console.log(`sim: demo scenario running (seed ${options.seed}, speed ${speed}, backfill ${backfillWeeks} weeks on a fresh portal)`);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log(`sim: ${signal}, shutting down`);
  await launched.close();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

// `npm run sim`: the simulator with one default portal (credentials from flags/env, defaults in sim/launch.ts),
// optionally pushing webhooks to --target and playing --scenario demo. Ctrl-C stops it cleanly.
import { parseArgs } from "node:util";
import { DEFAULT_BACKFILL_WEEKS, describeBackfill, launchOptionsFromEnv, launchSimulator } from "./launch";

const { values } = parseArgs({
  options: {
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
const launched = await launchSimulator({ ...options, seedDeals: demo && backfillWeeks === 0 ? 12 : 0 });
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

// `npm start`: the engine against the embedded HubSpot simulator on a fresh machine — policy bundle, local D1
// migrations, simulator (127.0.0.1:SIM_PORT, demo scenario unless --quiet), `wrangler dev` (127.0.0.1:ENGINE_PORT),
// and a watcher that re-bundles policies/ on every edit. Ctrl-C stops everything. Never touches a real portal.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { describeBackfill, launchOptionsFromEnv, launchSimulator } from "../sim/launch";
import { GENERATED_FILE, writeBundle } from "./policies/bundle";
import { processIO } from "./policies/io";
import { watchPolicies } from "./policies/watch";
import { localStatePaths, reconcileLocalState } from "./start/local-state";
import { parseStartOptions, START_USAGE } from "./start/options";
import { findTakenPorts } from "./start/ports";
import { projectRoot as root, wranglerBin, wranglerEnv } from "./wrangler-cli";

function step(label: string): void {
  console.log(`\n▶ ${label}`);
}

function fail(message: string, code = 1): never {
  console.error(`\n✖ ${message}`);
  process.exit(code);
}

const parsed = parseStartOptions(process.argv.slice(2), process.env);
if (parsed.kind === "help") {
  console.log(START_USAGE);
  process.exit(0);
}
if (parsed.kind === "error") fail(`${parsed.message}\n\n${START_USAGE}`, 2);
const opts = parsed.options;
const engineUrl = `http://127.0.0.1:${opts.enginePort}`;
const webhookUrl = `${engineUrl}/webhooks/hubspot`;

// 1) Ports, before anything is spawned: a clash is named, with the way to pick another.
const taken = await findTakenPorts([
  { port: opts.enginePort, role: "engine (choose another with --port or ENGINE_PORT)" },
  { port: opts.simPort, role: "HubSpot simulator (choose another with --sim-port or SIM_PORT)" },
]);
if (taken.length > 0) fail(`${taken.join("\n  ")}\n  (another npm start still running? stop it, or pick free ports)`);

// 2) Policies: check and bundle (npm's prestart already did when started as `npm start`).
if (process.env.npm_lifecycle_event !== "start") step("checking and bundling policies");
if (process.env.npm_lifecycle_event !== "start" && (await writeBundle({ dir: path.join(root, "policies"), outFile: path.join(root, GENERATED_FILE) }, processIO)) !== 0) {
  fail("the policies have errors (above); not starting.");
}

// 3) The local D1 and the simulated portal belong together: continue both, or start both fresh.
const simOptions = { ...launchOptionsFromEnv(process.env), port: opts.simPort };
const state = localStatePaths(root, simOptions.portalId);
const decision = reconcileLocalState(state, { fresh: opts.fresh, now: new Date() });
if (decision.kind === "archived") console.log(`\n▶ moved the previous local database to ${path.relative(root, decision.archivedTo)} (${decision.reason}); starting a fresh portal and database`);
if (decision.kind === "continue") console.log(`\n▶ continuing the simulated portal in ${path.relative(root, state.portalFile)} and its local database (npm start -- --fresh starts over)`);

step("applying local D1 migrations");
const migrated = spawnSync(wranglerBin, ["d1", "migrations", "apply", "deal-governance", "--local"], { cwd: root, env: wranglerEnv, stdio: "inherit" });
if (migrated.status !== 0) fail(`local D1 migrations failed (${migrated.error?.message ?? `exit ${migrated.status ?? "signal"}`}); not starting.`);

// 4) The simulator, pushing signed webhooks to the engine.
step("starting the HubSpot simulator");
const launched = await launchSimulator({
  ...simOptions, seed: opts.seed, target: webhookUrl, persist: state.portalFile, seedDeals: opts.quiet || opts.backfillWeeks > 0 ? 0 : 12,
}).catch((e: unknown) => {
  const message = e instanceof Error ? e.message : String(e);
  if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") fail(`port ${opts.simPort} for the HubSpot simulator is already in use (choose another with --sim-port or SIM_PORT)`);
  return fail(`the simulator did not start: ${message}\n  (if ${path.relative(root, state.portalFile)} is damaged, npm start -- --fresh moves it and its database aside)`);
});
const simUrl = launched.sim.url;
const teamsRes = await fetch(`${simUrl}/_sim/portals/${simOptions.portalId}/teams`);
const { managerMap } = (await teamsRes.json()) as { managerMap: Record<string, string> };

// 5) The engine, configured for the simulator's default portal. Vars go in as --var, never into .dev.vars: the
// Workers test pool reads .dev.vars too, and would pick them up.
const vars: Record<string, string> = {
  HUBSPOT_BASE_URL: simUrl,
  HUBSPOT_ACCESS_TOKEN: simOptions.accessToken,
  HUBSPOT_CLIENT_SECRET: simOptions.clientSecret,
  HUBSPOT_APP_ID: String(simOptions.appId),
  HUBSPOT_PORTAL_ID: String(simOptions.portalId),
  WEBHOOK_PUBLIC_URL: webhookUrl,
  // Deal links (tasks, dashboard) open the simulator's deal page, which sits at HubSpot's own record path.
  HUBSPOT_PORTAL_UI_URL: simUrl,
  MANAGER_MAP: JSON.stringify(managerMap),
};
step("starting the engine (wrangler dev)");
const wranglerArgs = ["dev", "--ip", "127.0.0.1", "--port", String(opts.enginePort), ...Object.entries(vars).flatMap(([k, v]) => ["--var", `${k}:${v}`])];
const wrangler: ChildProcess = spawn(wranglerBin, wranglerArgs, { cwd: root, env: wranglerEnv, stdio: "inherit" });

// 6) Policy edits: check + bundle on save; wrangler dev hot-reloads the generated module.
// Relative paths, so an error reads `policies/x.yaml:12:3 …` like `npm run policies -- check` prints it.
const relative = (p: string) => path.relative(process.cwd(), path.join(root, p)) || p;
const stopWatching = watchPolicies({ dir: relative("policies"), outFile: relative(GENERATED_FILE), io: processIO });

let stopping = false;
async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log("\n▶ shutting down");
  stopWatching();
  await launched.close();
  if (wrangler.exitCode === null) {
    wrangler.kill("SIGINT");
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => { wrangler.kill("SIGKILL"); resolve(); }, 5000);
      wrangler.once("exit", () => { clearTimeout(timer); resolve(); });
    });
  }
  process.exit(code);
}
process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
wrangler.once("exit", (code) => {
  if (!stopping) {
    console.error(`\n✖ wrangler dev exited (${code ?? "signal"})`);
    void shutdown(code ?? 1);
  }
});

// 7) Wait for the engine, print the banner, then let the demo play.
async function waitForEngine(timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && !stopping) {
    try {
      const res = await fetch(`${engineUrl}/healthz`);
      await res.arrayBuffer();
      return true;
    } catch (e) {
      if (!(e instanceof Error)) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return false;
}

if (!(await waitForEngine(90_000))) {
  console.error(`✖ the engine did not answer on ${engineUrl} within 90 s`);
  await shutdown(1);
}
const portalState = launched.loadedFromFile ? "continued from the last run" : "new";
console.log([
  "",
  "──────────────────────────────────────────────────────────────",
  `  engine     ${engineUrl}`,
  `  dashboard  ${engineUrl}/dashboard  — sign in with a token: in another terminal run`,
  `             npm run tokens -- create --name me --role admin   and paste the token at /dashboard`,
  `  simulator  ${simUrl}  (portal ${simOptions.portalId}, ${portalState}, token ${simOptions.accessToken})`,
  `  webhooks   simulator → ${webhookUrl} (signed v3)`,
  `  policies   watching policies/: an edit is checked and hot-reloaded; a failing edit keeps the running set`,
  `  scenario   ${opts.quiet ? "off (--quiet): act through the control API, see docs/simulator.md" : `demo, seed ${opts.seed}, speed ${opts.speed}${opts.backfillWeeks > 0 && !launched.loadedFromFile ? `, first ${opts.backfillWeeks} simulated weeks of history (--backfill-weeks)` : ""}`}`,
  "  Ctrl-C stops everything.",
  "──────────────────────────────────────────────────────────────",
].join("\n"));
if (!opts.quiet) {
  launched.startDemo({
    speed: opts.speed,
    backfillWeeks: opts.backfillWeeks,
    onBackfill: (s) => console.log(`sim: ${describeBackfill(s)}`),
    onMove: (m, n) => console.log(`sim: [step ${n}] ${m.text}`),
  });
}

// `npm run policies -- backtest [dir] --from <date> --to <date> [--against <dir> | --against-ref <ref>]
// [--source engine|hubspot] [--remote] [--json]`: what the draft set would have done on the window's history, and what
// changes against the set compared with. Exit 0 done, 1 a bad policy set or a source that can't be read, 2 usage.
import { runBacktest, type BacktestHistory } from "../../src/backtest/index";
import { portalMetadataOf, type PortalMetadata } from "../../src/enforcement/portal-metadata";
import { neededAssociations, requiredProperties, type CompiledPolicySet, type PolicyFile, type PortalSchema } from "../../src/policy/index";
import type { CachedOwner } from "../../src/store/metadata-cache";
import { resolveTarget } from "../ops/target";
import { readPortalSnapshot } from "../policies/files";
import type { CliIO } from "../policies/io";
import { readEngineHistory } from "./engine-source";
import { fileCache, type JsonCache } from "./hubspot-cache";
import { openHubSpotSource, readDealsHistory, readPortal, type HubSpotSource } from "./hubspot-source";
import { parseBacktestArgs, type BacktestOptions } from "./options";
import { compileSet, filesAtRef, filesOfDir } from "./policy-sets";
import { backtestJson, renderBacktest } from "./render";

export const BACKTEST_USAGE = `  backtest [dir] --from <date> --to <date> [--against <dir> | --against-ref <git ref>] [--source engine|hubspot]
           [--remote] [--json] [--examples N] [--refresh]   what the set would have done on the window's history`;

export interface BacktestDeps {
  io: CliIO;
  /** Where --source hubspot caches what it read (tests pass their own). */
  cache?: JsonCache;
  fetch?: typeof fetch;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

type Step<T> = { ok: true; value: T } | { ok: false; code: number };

/** Runs the command; returns its exit code. */
export async function runBacktestCommand(args: readonly string[], deps: BacktestDeps): Promise<number> {
  const { io } = deps;
  const options = parseBacktestArgs(args);
  if (typeof options === "string") {
    io.err(`error: ${options}\n${BACKTEST_USAGE}`);
    return 2;
  }
  const files = policyFiles(options, io);
  if (!files.ok) return files.code;
  const loaded = options.source === "engine" ? await loadEngine(options, files.value, io) : await loadHubSpot(options, files.value, deps);
  if (!loaded.ok) return loaded.code;
  const { history, metadata, draft, against, sourceName, extra } = loaded.value;
  const result = runBacktest({ history, window: { from: options.from, to: options.to }, draft, against, metadata, examples: options.examples });
  const againstName = options.against === null ? null : options.against.kind === "dir" ? options.against.dir : `${options.dir} at ${options.against.ref}`;
  for (const line of renderBacktest(result, { metadata, draftName: options.dir, againstName, sourceName })) io.out(line);
  if (options.json) io.out(backtestJson(result, { dir: options.dir, against: againstName, ...extra }));
  return 0;
}

function policyFiles(o: BacktestOptions, io: CliIO): Step<{ draft: PolicyFile[]; against: PolicyFile[] | null }> {
  const draft = filesOfDir(o.dir);
  if (o.against === null) return { ok: true, value: { draft, against: null } };
  if (o.against.kind === "dir") return { ok: true, value: { draft, against: filesOfDir(o.against.dir) } };
  const atRef = filesAtRef(o.dir, o.against.ref);
  if (!atRef.ok) {
    io.err(`error: ${atRef.error}`);
    return { ok: false, code: 1 };
  }
  return { ok: true, value: { draft, against: atRef.value } };
}

interface Loaded {
  history: BacktestHistory;
  metadata: PortalMetadata;
  draft: CompiledPolicySet;
  against: CompiledPolicySet | null;
  sourceName: string;
  extra: Record<string, unknown>;
}

/** Both sets compiled against the schema, or every error (with file and line) printed. */
function compileBoth(o: BacktestOptions, files: { draft: PolicyFile[]; against: PolicyFile[] | null }, schema: PortalSchema, io: CliIO): Step<{ draft: CompiledPolicySet; against: CompiledPolicySet | null }> {
  const draft = compileSet(files.draft, schema, o.dir);
  const against = files.against === null ? null : compileSet(files.against, schema, o.against?.kind === "dir" ? o.against.dir : `${o.dir} at ${o.against?.ref ?? ""}`);
  const errors = [...(draft.ok ? [] : draft.errors), ...(against === null || against.ok ? [] : against.errors)];
  if (!draft.ok || (against !== null && !against.ok)) {
    for (const e of errors) io.err(e);
    io.err(`✗ ${errors.length} error${errors.length === 1 ? "" : "s"}: nothing back-tested`);
    return { ok: false, code: 1 };
  }
  return { ok: true, value: { draft: draft.value, against: against === null || !against.ok ? null : against.value } };
}

function fail<T>(io: CliIO, message: string, code = 1): Step<T> {
  io.err(`error: ${message}`);
  return { ok: false, code };
}

async function loadEngine(o: BacktestOptions, files: { draft: PolicyFile[]; against: PolicyFile[] | null }, io: CliIO): Promise<Step<Loaded>> {
  const recorded = await readEngineHistory({ remote: o.remote, ...(o.persistTo === undefined ? {} : { persistTo: o.persistTo }) }, { from: o.from, to: o.to });
  if (!recorded.ok) return fail(io, recorded.error);
  const snapshot = readPortalSnapshot(o.dir);
  const { pipelines, properties, owners } = recorded.value;
  if ((pipelines === null || properties === null) && !snapshot.ok) return fail(io, `the engine has no portal schema cached and ${snapshot.error}`);
  const schema: PortalSchema = { pipelines: pipelines ?? (snapshot.ok ? snapshot.value.pipelines : []), properties: properties ?? (snapshot.ok ? snapshot.value.properties : []) };
  const sets = compileBoth(o, files, schema, io);
  if (!sets.ok) return sets;
  const metadata = portalMetadataOf(schema, owners, {}, Date.now());
  const sourceName = o.remote ? "the deployed engine's recorded history" : "the local engine's recorded history";
  return { ok: true, value: { history: recorded.value.history, metadata, ...sets.value, sourceName, extra: {} } };
}

async function loadHubSpot(o: BacktestOptions, files: { draft: PolicyFile[]; against: PolicyFile[] | null }, deps: BacktestDeps): Promise<Step<Loaded>> {
  const { io } = deps;
  const env = deps.env ?? process.env;
  const target = resolveTarget({ remote: o.remote, ...(o.token === undefined ? {} : { token: o.token }), ...(o.baseUrl === undefined ? {} : { baseUrl: o.baseUrl }) }, env);
  if (typeof target === "string") return fail(io, target, 2);
  const managerMap = parseManagerMap(env.MANAGER_MAP);
  const portalId = Number(target.hubspot.HUBSPOT_PORTAL_ID ?? 0) || 0;
  const source: HubSpotSource = openHubSpotSource(
    { baseUrl: target.hubspot.HUBSPOT_BASE_URL, token: target.hubspot.HUBSPOT_ACCESS_TOKEN, appId: target.hubspot.HUBSPOT_APP_ID, portalId, managerMap },
    deps.cache ?? fileCache(),
    o.refresh,
    deps.fetch,
  );
  const snapshot = readPortalSnapshot(o.dir);
  const portal = await readPortal(source, snapshot.ok ? snapshot.value.properties : []);
  if (!portal.ok) return fail(io, `${portal.error} (${target.describe})`);
  const sets = compileBoth(o, files, portal.value.schema, io);
  if (!sets.ok) return sets;
  const metadata = portalMetadataOf(portal.value.schema, portal.value.owners as CachedOwner[], managerMap, (deps.now ?? Date.now)());
  const both = [sets.value.draft, ...(sets.value.against === null ? [] : [sets.value.against])];
  const need = { properties: [...new Set(both.flatMap((s) => requiredProperties(s)))], kinds: [...new Set(both.flatMap((s) => neededAssociations(s)))] };
  const read = await readDealsHistory(source, { from: o.from, to: o.to }, need, metadata);
  if (!read.ok) return fail(io, `${read.error} (${target.describe})`);
  const calls = { ...source.calls };
  io.out(read.value.cached && calls.searches + calls.historyReads + calls.other === 0 ? "HubSpot: from the local cache (no API call; --refresh reads again)" : `HubSpot: ${calls.searches} searches, ${calls.historyReads} history reads, ${calls.other} other calls`);
  return { ok: true, value: { history: read.value.history, metadata, ...sets.value, sourceName: `HubSpot's history (${target.describe})`, extra: { hubspotCalls: calls, cached: read.value.cached } } };
}

function parseManagerMap(raw: string | undefined): Record<string, string> {
  if (raw === undefined || raw.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    process.stderr.write("note: MANAGER_MAP is not JSON; managers are not known to this back-test\n");
    return {};
  }
}

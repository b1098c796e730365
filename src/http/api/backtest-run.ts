// The dashboard's back-test: a draft set (a staged set bundled at deploy time, or a file uploaded on the page,
// overlaid on the active set) replayed through the back-test core over the engine's recorded history of a window,
// compared with the active set. Reads D1 (judged changes, the cached portal schema and owners); never writes.
import { historyFromRecorded, runBacktest, type BacktestResult } from "../../backtest";
import { portalMetadataOf, type PortalMetadata } from "../../enforcement/portal-metadata";
import { POLICY_FILES, PORTAL_SNAPSHOT, STAGED_POLICY_SETS } from "../../generated/policies";
import { formatPolicyError, loadPolicySet, overlayPolicyFiles, type CompiledPolicySet, type PolicyFile, type PortalPipeline, type PortalProperty, type PortalSchema } from "../../policy";
import type { Result } from "../../result";
import { listAllJudgedHistory } from "../../store/judged-changes";
import { getCachedJson, listOwners } from "../../store/metadata-cache";
import { getVersionFiles } from "../../store/policy-versions";

/**
 * The draft: a staged set by name, uploaded files (overlaid on the active set by file name), or a recorded version of
 * the set (compared with the version before it rather than the active set).
 */
export type DraftChoice = { kind: "staged"; name: string } | { kind: "upload"; files: PolicyFile[] } | { kind: "version"; id: string };

export interface DashboardBacktest {
  result: BacktestResult;
  metadata: PortalMetadata;
  draft: CompiledPolicySet;
  active: CompiledPolicySet;
  /** The draft's own files (the staged or uploaded ones). */
  draftFiles: string[];
  /** Each replayed deal's portal (for links to the deal in HubSpot). */
  dealPortals: Map<string, number>;
}

export type BacktestFailure =
  | { kind: "unknown-set"; message: string }
  | { kind: "policy"; message: string; errors: string[] }
  | { kind: "history"; message: string };

/** The staged sets bundled at deploy time. */
export function listStagedSets(): Array<{ name: string; staged: string[]; version: string }> {
  return STAGED_POLICY_SETS.map((s) => ({ name: s.name, staged: s.staged, version: s.version }));
}

/** The portal schema the engine cached (the live portal's), else the bundled snapshot. */
async function readSchema(db: D1Database): Promise<PortalSchema> {
  const [pipelines, properties] = await Promise.all([getCachedJson<PortalPipeline[]>(db, "pipelines"), getCachedJson<PortalProperty[]>(db, "properties")]);
  return { pipelines: pipelines?.value ?? PORTAL_SNAPSHOT.pipelines, properties: properties?.value ?? PORTAL_SNAPSHOT.properties };
}

function compile(files: PolicyFile[], schema: PortalSchema, what: string): Result<CompiledPolicySet, BacktestFailure> {
  const set = loadPolicySet(files, schema);
  if (set.ok) return set;
  return { ok: false, error: { kind: "policy", message: `${what} does not pass check against the portal`, errors: set.error.map((e) => formatPolicyError(e)) } };
}

/** The draft's files, the files it is compared with, and the draft's own file names. */
async function filesOf(db: D1Database, choice: DraftChoice): Promise<Result<{ draft: PolicyFile[]; against: PolicyFile[]; own: string[]; what: string; againstWhat: string }, BacktestFailure>> {
  if (choice.kind === "upload") {
    return { ok: true, value: { draft: overlayPolicyFiles(POLICY_FILES, choice.files), against: POLICY_FILES, own: choice.files.map((f) => f.path), what: "the uploaded file", againstWhat: "the active set" } };
  }
  if (choice.kind === "staged") {
    const staged = STAGED_POLICY_SETS.find((s) => s.name === choice.name);
    if (staged === undefined) return { ok: false, error: { kind: "unknown-set", message: `there is no staged set "${choice.name}" in this deploy` } };
    return { ok: true, value: { draft: staged.files, against: POLICY_FILES, own: staged.staged, what: `the staged set "${choice.name}"`, againstWhat: "the active set" } };
  }
  const version = await getVersionFiles(db, choice.id);
  if (version === null || version.files.length === 0) return { ok: false, error: { kind: "unknown-set", message: "there is no recorded policy set version with that id" } };
  return { ok: true, value: { draft: version.files, against: version.previous ?? [], own: [], what: "that version", againstWhat: "the version before it" } };
}

/** Runs the back-test of `choice` over [from, to). Failures (a set that fails check, an unreadable row) are values. */
export async function runDashboardBacktest(db: D1Database, choice: DraftChoice, window: { from: number; to: number }): Promise<Result<DashboardBacktest, BacktestFailure>> {
  const files = await filesOf(db, choice);
  if (!files.ok) return files;
  const schema = await readSchema(db);
  const draft = compile(files.value.draft, schema, files.value.what);
  if (!draft.ok) return draft;
  const active = compile(files.value.against, schema, files.value.againstWhat);
  if (!active.ok) return active;
  const [rows, owners] = await Promise.all([listAllJudgedHistory(db, window.from, window.to), listOwners(db)]);
  const history = historyFromRecorded(rows);
  if (!history.ok) return { ok: false, error: { kind: "history", message: history.error } };
  const metadata = portalMetadataOf(schema, owners.owners, {}, Date.now());
  const result = runBacktest({ history: history.value, window, draft: draft.value, against: active.value, metadata, examples: 5 });
  return { ok: true, value: { result, metadata, draft: draft.value, active: active.value, draftFiles: files.value.own,
    dealPortals: new Map(history.value.deals.map((d) => [d.dealId, d.portalId])) } };
}

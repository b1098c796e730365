// The policy set's version history (policy_set_versions, policy_rule_changes; migration 0018): the latest version
// the engine recorded, the idempotent insert of a new one with its rule changes, and the history the policy pages show.
// Never decides what changed (the policy core diffs) and never serves HTTP.
import type { Mode, PolicyBundleInfo, PolicyFile, RuleChange, RuleChangeKind, RuleSnapshot } from "../policy";

/** The latest recorded version, as the next diff needs it. */
export interface RecordedPolicyVersion {
  id: string;
  setKey: string;
  bundledAt: number | null;
  rules: RuleSnapshot[];
}

export interface PolicyVersionWrite {
  id: string;
  setKey: string;
  setVersion: string;
  previousId: string | null;
  modeOverride: Mode | null;
  firstRunAt: number;
  bundle: PolicyBundleInfo | null;
  rules: RuleSnapshot[];
  changes: RuleChange[];
  files: PolicyFile[];
}

/** One version as the history shows it, with its rule changes (all, or one policy's). */
export interface PolicyVersionItem {
  id: string;
  setVersion: string;
  previousId: string | null;
  modeOverride: string | null;
  firstRunAt: string;
  bundledAt: string | null;
  commit: string | null;
  author: string | null;
  committedAt: string | null;
  subject: string | null;
  dirty: boolean;
  bundledBy: string | null;
  rules: number;
  changes: Array<RuleChange & { kind: RuleChangeKind }>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseRules(raw: string): RuleSnapshot[] {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as RuleSnapshot[]) : [];
  } catch (err) {
    // A row this code wrote is JSON; anything else is treated as "no rules known" so the next diff lists all as added.
    console.warn("policy_set_versions.rules is not JSON", err);
    return [];
  }
}

/** The most recently recorded version, or null before the first. Throws only on D1 errors. */
export async function getLatestPolicyVersion(db: D1Database): Promise<RecordedPolicyVersion | null> {
  const row = await db
    .prepare("SELECT id, set_key, bundled_at, rules FROM policy_set_versions ORDER BY first_run_at DESC, id DESC LIMIT 1")
    .first<{ id: string; set_key: string; bundled_at: number | null; rules: string }>();
  return row === null ? null : { id: row.id, setKey: row.set_key, bundledAt: row.bundled_at, rules: parseRules(row.rules) };
}

/** The version row and its rule changes; INSERT OR IGNORE on deterministic keys, so concurrent isolates write it once. */
export function insertPolicyVersionStatements(db: D1Database, w: PolicyVersionWrite): D1PreparedStatement[] {
  const b = w.bundle;
  return [
    db
      .prepare(
        `INSERT OR IGNORE INTO policy_set_versions (id, set_key, set_version, previous_id, mode_override, first_run_at, bundled_at, commit_sha,
           commit_author, committed_at, commit_subject, dirty, bundled_by, rules, files) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(w.id, w.setKey, w.setVersion, w.previousId, w.modeOverride, w.firstRunAt, b?.bundledAt ?? null, b?.commit ?? null, b?.author ?? null,
        b?.committedAt ?? null, b?.subject ?? null, b?.dirty === true ? 1 : 0, b?.bundledBy ?? null, JSON.stringify(w.rules), JSON.stringify(w.files)),
    ...w.changes.map((c) =>
      db
        .prepare(
          `INSERT OR IGNORE INTO policy_rule_changes (version_id, policy_id, rule_id, kind, mode_before, mode_after, text_before, text_after, first_run_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(w.id, c.policyId, c.ruleId, c.kind, c.modeBefore, c.modeAfter, c.textBefore, c.textAfter, w.firstRunAt),
    ),
  ];
}

type VersionRow = {
  id: string; set_version: string; previous_id: string | null; mode_override: string | null; first_run_at: number; bundled_at: number | null;
  commit_sha: string | null; commit_author: string | null; committed_at: number | null; commit_subject: string | null; dirty: number;
  bundled_by: string | null; rule_count: number;
};
type ChangeRow = { version_id: string; policy_id: string; rule_id: string; kind: RuleChangeKind; mode_before: Mode | null; mode_after: Mode | null; text_before: string | null; text_after: string | null };

/**
 * The newest versions first, each with its rule changes — only those of `policyId` when given (and then only the
 * versions that changed one of its rules; the first recorded version lists every rule as added). Throws only on D1
 * errors.
 */
export async function listPolicyVersions(db: D1Database, options: { policyId?: string; limit: number }): Promise<PolicyVersionItem[]> {
  const scoped = options.policyId !== undefined;
  const versions = await db
    .prepare(
      `SELECT id, set_version, previous_id, mode_override, first_run_at, bundled_at, commit_sha, commit_author, committed_at, commit_subject, dirty,
              bundled_by, json_array_length(rules) AS rule_count
       FROM policy_set_versions v
       ${scoped ? "WHERE EXISTS (SELECT 1 FROM policy_rule_changes c WHERE c.version_id = v.id AND c.policy_id = ?)" : ""}
       ORDER BY first_run_at DESC, id DESC LIMIT ?`,
    )
    .bind(...(scoped ? [options.policyId, options.limit] : [options.limit]))
    .all<VersionRow>();
  const ids = versions.results.map((v) => v.id);
  if (ids.length === 0) return [];
  const changes = await db
    .prepare(
      `SELECT version_id, policy_id, rule_id, kind, mode_before, mode_after, text_before, text_after FROM policy_rule_changes
       WHERE version_id IN (${ids.map(() => "?").join(",")})${scoped ? " AND policy_id = ?" : ""} ORDER BY policy_id, rule_id`,
    )
    .bind(...ids, ...(scoped ? [options.policyId] : []))
    .all<ChangeRow>();
  return versions.results.map((v) => ({
    id: v.id, setVersion: v.set_version, previousId: v.previous_id, modeOverride: v.mode_override, firstRunAt: new Date(v.first_run_at).toISOString(),
    bundledAt: iso(v.bundled_at), commit: v.commit_sha, author: v.commit_author, committedAt: iso(v.committed_at), subject: v.commit_subject,
    dirty: v.dirty === 1, bundledBy: v.bundled_by, rules: v.rule_count,
    changes: changes.results.filter((c) => c.version_id === v.id).map((c) => ({
      policyId: c.policy_id, ruleId: c.rule_id, kind: c.kind, modeBefore: c.mode_before, modeAfter: c.mode_after, textBefore: c.text_before, textAfter: c.text_after,
    })),
  }));
}

/** One version's policy files and its previous version's (to back-test the change); null when unknown. */
export async function getVersionFiles(db: D1Database, id: string): Promise<{ firstRunAt: number; files: PolicyFile[]; previous: PolicyFile[] | null } | null> {
  const row = await db
    .prepare("SELECT v.first_run_at, v.files, p.files AS previous FROM policy_set_versions v LEFT JOIN policy_set_versions p ON p.id = v.previous_id WHERE v.id = ?")
    .bind(id)
    .first<{ first_run_at: number; files: string; previous: string | null }>();
  if (row === null) return null;
  const parse = (raw: string): PolicyFile[] => {
    try {
      const parsed: unknown = JSON.parse(raw);
      return Array.isArray(parsed) ? (parsed as PolicyFile[]) : [];
    } catch (err) {
      console.warn("policy_set_versions.files is not JSON", err);
      return [];
    }
  };
  return { firstRunAt: row.first_run_at, files: parse(row.files), previous: row.previous === null ? null : parse(row.previous) };
}

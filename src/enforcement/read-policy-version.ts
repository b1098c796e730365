// Read, for the version history: which policy set this run enforces (its key: the set's version and any
// POLICY_MODE_OVERRIDE) and the version the engine last recorded — unless this isolate already knows the set is
// recorded (then nothing is read: one D1 read per isolate and set, not per batch).
import type { CompiledPolicySet, Mode, PolicyBundleInfo, PolicyFile } from "../policy";
import { hashText } from "../policy";
import { getLatestPolicyVersion, type RecordedPolicyVersion } from "../store/policy-versions";

export interface RunningSet {
  key: string;
  setVersion: string;
  files: PolicyFile[];
  override: Mode | null;
  /** Who/when from the bundle; null when the files were not the bundled ones (tests, benchmarks). */
  bundle: PolicyBundleInfo | null;
}

export interface PolicyVersionSnapshot {
  running: RunningSet;
  latest: RecordedPolicyVersion | null;
}

// Sets this isolate found recorded, or recorded itself. A memo of a D1 fact (never a decision): losing it costs a read.
const recorded = new Set<string>();

/** The key a set runs under: its version plus the mode override, which changes every rule's mode. */
export function runningSetKey(setVersion: string, override: Mode | null): string {
  return hashText(`${setVersion}|${override ?? ""}`);
}

/** The running set and the latest recorded version; null when this isolate already saw this set recorded. */
export async function readPolicyVersion(db: D1Database, set: CompiledPolicySet, files: PolicyFile[], override: Mode | null, bundle: PolicyBundleInfo | null): Promise<PolicyVersionSnapshot | null> {
  const key = runningSetKey(set.version, override);
  if (recorded.has(key)) return null;
  const latest = await getLatestPolicyVersion(db);
  if (latest?.setKey === key) {
    recorded.add(key);
    return null;
  }
  return { running: { key, setVersion: set.version, files, override, bundle }, latest };
}

/** After the record step wrote (or chose not to write) the set's version: no need to read again in this isolate. */
export function notePolicyVersionRecorded(key: string): void {
  recorded.add(key);
}

// Plan, for the version history (PURE): the first run of a set whose key differs from the last recorded version
// records a new version — who and when from the bundle, and each rule's difference (added, removed, mode, text).
// The id is deterministic (set, bundle time, previous version), so isolates seeing the new set at once write one row.
import { diffRuleSnapshots, hashText, snapshotRules } from "../policy";
import type { PolicyVersionWrite } from "../store/policy-versions";
import type { PolicyVersionSnapshot } from "./read-policy-version";

export interface PolicyVersionPlan {
  key: string;
  /** null: nothing to write (an isolate still running an older bundle while a newer one is recorded). */
  write: PolicyVersionWrite | null;
}

/** The version to record, if any. Never throws. */
export function planPolicyVersion(snapshot: PolicyVersionSnapshot | null | undefined, now: number): PolicyVersionPlan | null {
  if (snapshot === null || snapshot === undefined) return null;
  const { running, latest } = snapshot;
  // An older bundle than the one recorded last is an isolate of the previous deploy draining: not a new version.
  const older = running.bundle !== null && latest?.bundledAt != null && running.bundle.bundledAt < latest.bundledAt;
  if (older) return { key: running.key, write: null };
  const rules = snapshotRules(running.files, hashText, running.override);
  const previousId = latest?.id ?? null;
  return {
    key: running.key,
    write: {
      id: hashText(`${running.key}|${running.bundle?.bundledAt ?? ""}|${previousId ?? ""}`),
      setKey: running.key,
      setVersion: running.setVersion,
      previousId,
      modeOverride: running.override,
      firstRunAt: now,
      bundle: running.bundle,
      rules,
      changes: diffRuleSnapshots(latest?.rules ?? [], rules),
      files: running.files,
    },
  };
}

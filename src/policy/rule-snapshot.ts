// Each rule of a policy set as it runs — its effective mode and its text — and the differences between two sets, rule
// by rule (added, removed, mode changed, text changed). The text is the rule as written (without its mode) followed
// by the policy-wide settings it inherits (scope, exemptions, exceptions, severity): a change to either changes what
// the rule does. Formatting and comments are not rule changes. Pure.
import { stringify } from "yaml";
import { loadSource } from "./load";
import type { Mode, PolicyFile } from "./types";
import { validatePolicyDoc } from "./validate";

export interface RuleSnapshot {
  policyId: string;
  ruleId: string;
  /** The policy file's version (hash of its text). */
  policyVersion: string;
  mode: Mode;
  text: string;
}

export type RuleChangeKind = "added" | "removed" | "mode" | "text" | "mode+text";

export interface RuleChange {
  policyId: string;
  ruleId: string;
  kind: RuleChangeKind;
  modeBefore: Mode | null;
  modeAfter: Mode | null;
  textBefore: string | null;
  textAfter: string | null;
}

const POLICY_ONLY = new Set(["apiVersion", "kind", "id", "description", "mode", "rules"]);

function withoutKeys(value: unknown, drop: (key: string) => boolean): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([k]) => !drop(k)));
}

/**
 * Every rule of the files, with its effective mode (`override`, else the rule's, else the policy's, else audit).
 * Files that don't parse are skipped: the caller runs only sets that passed `check`.
 */
export function snapshotRules(files: PolicyFile[], hash: (text: string) => string, override: Mode | null = null): RuleSnapshot[] {
  const out: RuleSnapshot[] = [];
  for (const file of files) {
    const loaded = loadSource(file.path, file.text);
    if (!loaded.ok) continue;
    const doc = validatePolicyDoc(loaded.value);
    if (!doc.ok) continue;
    const raw = loaded.value.value;
    const rawRules = raw !== null && typeof raw === "object" && "rules" in raw && Array.isArray(raw.rules) ? (raw.rules as unknown[]) : [];
    const inherited = withoutKeys(raw, (k) => POLICY_ONLY.has(k));
    const context = Object.keys(inherited).length === 0 ? "" : `# from the policy:\n${stringify(inherited)}`;
    doc.value.rules.forEach((rule, i) => {
      out.push({
        policyId: doc.value.id,
        ruleId: rule.id,
        policyVersion: hash(file.text),
        mode: override ?? rule.mode ?? doc.value.mode ?? "audit",
        text: stringify(withoutKeys(rawRules[i], (k) => k === "mode")) + context,
      });
    });
  }
  return out;
}

/** The rules that differ between two sets, in policy/rule order. Unchanged rules are left out. */
export function diffRuleSnapshots(before: readonly RuleSnapshot[], after: readonly RuleSnapshot[]): RuleChange[] {
  const key = (r: RuleSnapshot) => `${r.policyId}\u0000${r.ruleId}`;
  const old = new Map(before.map((r) => [key(r), r]));
  const changes: RuleChange[] = [];
  for (const r of after) {
    const was = old.get(key(r));
    old.delete(key(r));
    const modeChanged = was !== undefined && was.mode !== r.mode;
    const textChanged = was !== undefined && was.text !== r.text;
    if (was !== undefined && !modeChanged && !textChanged) continue;
    const kind: RuleChangeKind = was === undefined ? "added" : modeChanged && textChanged ? "mode+text" : modeChanged ? "mode" : "text";
    changes.push({ policyId: r.policyId, ruleId: r.ruleId, kind, modeBefore: was?.mode ?? null, modeAfter: r.mode, textBefore: was?.text ?? null, textAfter: r.text });
  }
  for (const r of old.values()) changes.push({ policyId: r.policyId, ruleId: r.ruleId, kind: "removed", modeBefore: r.mode, modeAfter: null, textBefore: r.text, textAfter: null });
  return changes.sort((a, b) => a.policyId.localeCompare(b.policyId) || a.ruleId.localeCompare(b.ruleId));
}

// Compiles the policy files against the portal's schema once per isolate. The files are the bundled module's array
// (one reference per isolate) and key a WeakMap; the schema, rebuilt from the metadata cache on each run, keys by its
// JSON (a few KB) — no hashing of the policy texts on the per-batch path.
import { loadPolicySet, formatPolicyError, type CompiledPolicySet, type PolicyFile, type PortalSchema } from "../policy";
import type { Result } from "../result";

const compiled = new WeakMap<PolicyFile[], Map<string, CompiledPolicySet>>();
const latest = new WeakMap<PolicyFile[], CompiledPolicySet>();
// A portal's schema changes rarely; a handful of entries covers a stage rename or a new property mid-isolate.
const MAX_SCHEMAS_PER_SET = 8;

/** The set compiled against the portal (cached per isolate), or why it doesn't compile. Never throws. */
export function compilePolicies(files: PolicyFile[], portal: PortalSchema): Result<CompiledPolicySet, string> {
  const bySchema = compiled.get(files) ?? new Map<string, CompiledPolicySet>();
  compiled.set(files, bySchema);
  const key = JSON.stringify(portal);
  const hit = bySchema.get(key);
  if (hit !== undefined) {
    latest.set(files, hit);
    return { ok: true, value: hit };
  }
  const result = loadPolicySet(files, portal);
  if (!result.ok) {
    const detail = result.error.slice(0, 5).map((e) => formatPolicyError(e)).join("; ");
    return { ok: false, error: `policies don't compile against the portal: ${detail || "unknown error"}` };
  }
  if (bySchema.size >= MAX_SCHEMAS_PER_SET) bySchema.clear();
  bySchema.set(key, result.value);
  latest.set(files, result.value);
  return { ok: true, value: result.value };
}

/**
 * The set these files last compiled to in this isolate, before this run has read the portal's metadata (null on a
 * cold isolate): good for sizing the run's budget reservation (split-unread.ts `likelyRead`), never for judging.
 */
export function lastCompiled(files: PolicyFile[]): CompiledPolicySet | null {
  return latest.get(files) ?? null;
}

// Compiles the policy files against the portal's schema once per isolate (cached by content + schema hash).
import { hashText, loadPolicySet, formatPolicyError, type CompiledPolicySet, type PolicyFile, type PortalSchema } from "../policy";

const compiled = new Map<string, CompiledPolicySet>();

export type CompileResult = { ok: true; set: CompiledPolicySet } | { ok: false; error: string };

export function compilePolicies(files: PolicyFile[], portal: PortalSchema): CompileResult {
  const key = hashText(JSON.stringify([files, portal]));
  const hit = compiled.get(key);
  if (hit !== undefined) return { ok: true, set: hit };
  const result = loadPolicySet(files, portal);
  if (!result.ok) {
    const detail = result.error.slice(0, 5).map((e) => formatPolicyError(e)).join("; ");
    return { ok: false, error: `policies don't compile against the portal: ${detail || "unknown error"}` };
  }
  if (compiled.size > 8) compiled.clear();
  compiled.set(key, result.value);
  return { ok: true, set: result.value };
}

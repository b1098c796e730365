// Fault injection for CRM requests: scripted answers first (deterministic), then a random share of 5xx, hangs, latency.
import type { FaultsConfig } from "../portal/config";
import type { Rng } from "../portal/rng";

/** `afterApply`: let the request through first, then answer with the fault (the write happened, the answer failed). */
export type FaultDecision =
  | { kind: "none" }
  /** A 207 on a batch write: the route fails these input positions and applies the rest. */
  | { kind: "partial"; failInputs: number[] } | { kind: "error"; status: number; afterApply: boolean } | { kind: "hang"; ms: number; afterApply: boolean };

/** Decides the fault for one request; consumes a scripted fault when one matches. */
export function decideFault(cfg: FaultsConfig, rng: Rng, method: string, path: string): FaultDecision {
  const index = cfg.script.findIndex((f) => (f.method === undefined || f.method.toUpperCase() === method) && (f.pathIncludes === undefined || path.includes(f.pathIncludes)));
  const scripted = cfg.script[index];
  if (scripted) {
    scripted.count -= 1;
    if (scripted.count <= 0) cfg.script.splice(index, 1);
    const afterApply = scripted.afterApply === true;
    if (scripted.status === 207) return { kind: "partial", failInputs: scripted.failInputs ?? [0] };
    return scripted.status === 0 ? { kind: "hang", ms: cfg.hangMs, afterApply } : { kind: "error", status: scripted.status, afterApply };
  }
  if (cfg.hangRate > 0 && rng.chance(cfg.hangRate)) return { kind: "hang", ms: cfg.hangMs, afterApply: false };
  if (cfg.errorRate > 0 && rng.chance(cfg.errorRate)) return { kind: "error", status: rng.pick(cfg.errorStatuses.length > 0 ? cfg.errorStatuses : [500]), afterApply: false };
  return { kind: "none" };
}

/** HubSpot-ish bodies for injected server errors. */
export function faultBody(status: number, correlationId: string): Record<string, unknown> {
  const message = status === 502 ? "Bad Gateway" : status === 503 ? "Service Unavailable" : status === 504 ? "Gateway Timeout" : "internal error";
  return { status: "error", message, correlationId, category: status === 504 ? "TIMEOUT" : "INTERNAL_ERROR" };
}

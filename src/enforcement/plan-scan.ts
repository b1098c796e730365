// The scheduled scan's plan (PURE): the webhook run's plan (violation rows, the rules' tasks, resolutions, completion
// of fixed rules' tasks, governance values) with the scan's two decisions on top:
// - once per (deal, rule): a rule the deal still has an open violation of (after this run's re-checks) is not
//   recorded again — the finding is the standing violation, so its actions left pending by a failed run are retried
//   and nothing new is created;
// - a scan only observes: it never moves the engine's last-known deal state, which reconciliation compares with
//   HubSpot to find the stage changes whose webhooks were missed, and records no judged change for back-tests (those
//   replay what happened to deals; a scan of every open deal every run would only grow the table).
import type { DealEvaluation, DetectedViolation } from "./evaluate-deal";
import { planEnforcement, type Plan, type PlanOptions } from "./plan";
import type { OpenViolation, Snapshot } from "./snapshot";

/** Decides everything a scan page will write. Never throws. */
export function planScan(snapshot: Snapshot, evaluations: DealEvaluation[], o: PlanOptions): Plan {
  const openByDeal = new Map((snapshot.live?.deals ?? []).map((d) => [d.deal.id, d.open]));
  const found = evaluations.map((e) => {
    const resolved = new Set(e.resolutions.map((r) => r.id));
    const standing = (openByDeal.get(e.dealId) ?? []).filter((v) => !resolved.has(v.id));
    return { ...e, detected: dedupe(e.detected, standing) };
  });
  return { ...planEnforcement(snapshot, found, o), states: [], judged: [] };
}

/** Each finding of a rule with a standing open violation becomes that violation (its id and time); one per rule. */
function dedupe(detected: DetectedViolation[], standing: OpenViolation[]): DetectedViolation[] {
  const out = new Map<string, DetectedViolation>();
  for (const d of detected) {
    const key = `${d.violation.policyId}/${d.violation.ruleId}`;
    if (out.has(key)) continue;
    const same = standing.find((v) => v.policyId === d.violation.policyId && v.ruleId === d.violation.ruleId);
    out.set(key, same === undefined ? d : { ...d, id: same.id, built: { ...d.built, change: { ...d.built.change, occurredAt: same.occurredAt } } });
  }
  return [...out.values()];
}

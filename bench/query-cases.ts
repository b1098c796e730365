// The queries bench:query times, called through the shipped store functions (so the SQL is the shipped SQL).
import { resolveWindow } from "../src/http/api/query-schemas";
import { getAdoptionHealth } from "../src/store/adoption-query";
import { resolveNames } from "../src/store/name-lookup";
import { listRuleHits } from "../src/store/policy-hits-query";
import { getPolicyStats } from "../src/store/policy-query";
import { getRepRecord } from "../src/store/reps-query";
import { getWeeklyReview } from "../src/store/review-query";
import { getSummary } from "../src/store/summary-query";
import { getRepTrend } from "../src/store/trend-query";
import { getViolation, listViolations, type Cursor, type ViolationFilter } from "../src/store/violations-query";

const DAY = 86_400_000;

export function buildQueryCases(db: D1Database, now: number, secondPage: Cursor | undefined): Record<string, () => Promise<unknown>> {
  const all: ViolationFilter = { teams: null };
  const page = { sort: "desc" as const, limit: 50 };
  // The API's default window (12 whole weeks ending today), so the summary takes its production path.
  const w12 = resolveWindow({}, now);
  return {
    "violations.newest": () => listViolations(db, all, page),
    "violations.next_page": () => listViolations(db, all, { ...page, after: secondPage }),
    "violations.oldest": () => listViolations(db, all, { sort: "asc", limit: 50 }),
    "violations.status_open": () => listViolations(db, { ...all, status: "open" }, page),
    "violations.status_resolved": () => listViolations(db, { ...all, status: "resolved" }, page),
    "violations.owner": () => listViolations(db, { ...all, ownerId: "o17" }, page),
    "violations.team": () => listViolations(db, { teams: ["t3"] }, page),
    "violations.team_scope_3": () => listViolations(db, { teams: ["t3", "t7", "t11"] }, page),
    "violations.policy_rule": () => listViolations(db, { ...all, policyId: "policy-1", ruleId: "no-skip" }, page),
    "violations.rule_only": () => listViolations(db, { ...all, ruleId: "no-skip" }, page),
    "violations.severity_critical": () => listViolations(db, { ...all, severity: "critical" }, page),
    "violations.mode_audit": () => listViolations(db, { ...all, mode: "audit" }, page),
    "violations.pipeline": () => listViolations(db, { ...all, pipelineId: "renewals" }, page),
    "violations.stage": () => listViolations(db, { ...all, stage: "contractsent" }, page),
    "violations.deal": () => listViolations(db, { ...all, dealId: "d4242" }, page),
    "violations.date_range": () => listViolations(db, { ...all, from: now - 400 * DAY, to: now - 393 * DAY }, page),
    "violations.combined": () => listViolations(db, { teams: ["t5"], status: "open", severity: "warning", from: now - 84 * DAY }, page),
    "violation.detail": () => getViolation(db, "v00000500"),
    "summary.12w": () => getSummary(db, { teams: null, ...w12 }),
    "summary.12w_team": () => getSummary(db, { teams: ["t3"], ...w12 }),
    "summary.12w_owner": () => getSummary(db, { teams: null, ownerId: "o17", ...w12 }),
    "rep.12w": () => getRepRecord(db, { ownerId: "o17", teams: null, ...w12 }),
    "policy.12w": () => getPolicyStats(db, { policyId: "policy-1", teams: null, ...w12 }),
    // The largest allowed windows (issue 16): two years, 24 months, 104 weeks, a team's week.
    "rep.2y": () => getRepRecord(db, { ownerId: "o17", teams: null, ...resolveWindow({ from: now - 730 * DAY }, now) }),
    "trend.24m": () => getRepTrend(db, { ownerId: "o17", teamId: "t17", teams: null, months: 24, now }),
    "review.week": () => getWeeklyReview(db, { teamId: "t3", weekOf: now - 7 * DAY, now }),
    "adoption.104w": () => getAdoptionHealth(db, { teams: null, weeks: 104, now, dropThresholdPoints: 10 }),
    "policies.index_12w": () => listRuleHits(db, { teams: null, ...w12 }),
    "policies.index_12w_team": () => listRuleHits(db, { teams: ["t3"], ...w12 }),
    "names.resolve_ids": () => resolveNames(db, { owner: "o17", team: "t3", stage: "contractsent" }),
    "names.unknown": () => resolveNames(db, { owner: "Nobody Here", team: "Nowhere", stage: "No Such Stage" }),
  };
}

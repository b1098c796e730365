// Step 3, plan (PURE): the Snapshot and the verdicts → every decision of the run in one place: which violation rows to
// insert, which violations are resolved (by a later change, the deal as it is now, a merge, or an earlier revert),
// which actions are skipped and why, the reverts and tasks to send, and the tasks to complete. No env, no fetch, no
// D1, no clock: `now` and the inputs are arguments.
import type { Config } from "../env";
import type { RecordedAction, Resolution } from "../store/violations";
import type { BuiltChange } from "./build-change";
import type { DealEvaluation, DetectedViolation } from "./evaluate-deal";
import { encodeJudgedChange } from "./judged-change-codec";
import { planActions } from "./plan-actions";
import { planGovernance } from "./plan-governance";
import { planPolicyVersion } from "./plan-policy-version";
import { needsWarnTask, WARN_NOT_REVERTED, warnTaskAction } from "./warn-mode";
import type { Plan, PlanOptions, ViolationPlan } from "./plan-types";
import type { LiveSnapshot, Snapshot } from "./snapshot";

export type { Plan, PlanOptions, ViolationPlan, EnforceStats } from "./plan-types";

const hashesOf = (events: Array<{ inboxHash?: string }>) => events.flatMap((e) => (e.inboxHash === undefined ? [] : [e.inboxHash]));

/** The plan's settings from the configuration, at the run's time. */
export function planOptions(config: Pick<Config, "HUBSPOT_PORTAL_UI_URL" | "MAX_REVERTS_PER_DEAL_PER_HOUR" | "MAX_REVERTS_PER_DEAL_PER_DAY">, now: number): PlanOptions {
  return { now, portalUiUrl: config.HUBSPOT_PORTAL_UI_URL ?? "https://app.hubspot.com", maxRevertsPerHour: config.MAX_REVERTS_PER_DEAL_PER_HOUR, maxRevertsPerDay: config.MAX_REVERTS_PER_DEAL_PER_DAY };
}

/** Decides everything the run will write. Never throws. */
export function planEnforcement(snapshot: Snapshot, evaluations: DealEvaluation[], o: PlanOptions): Plan {
  const plan = planBookkeeping(snapshot, o.now);
  const live = snapshot.live;
  if (live === null) return plan;
  const violations = planViolations(live, evaluations, o.now);
  const actions = planActions(live, evaluations, violations, o);
  plan.violations = violations;
  plan.transitions = evaluations.flatMap((e) => e.transitions);
  plan.closeDates = evaluations.flatMap((e) => e.closeDates);
  plan.judged = judgedChanges(live, evaluations);
  plan.associationLog = live.associationLog;
  plan.states = evaluations.flatMap((e) => (e.state === null ? [] : [e.state]));
  plan.resolutions.push(...evaluations.flatMap((e) => e.resolutions), ...actions.resolutions);
  Object.assign(plan, { reverts: actions.reverts, capped: actions.capped, tasks: actions.tasks, lateTasks: actions.lateTasks, completions: actions.completions });
  plan.stats.deals = evaluations.length;
  plan.stats.violations = evaluations.reduce((n, e) => n + e.detected.length, 0);
  plan.stats.resolved += new Set(evaluations.flatMap((e) => e.resolutions.map((r) => r.id))).size;
  plan.stats.reverts = actions.resolutions.length;
  plan.governance = planGovernance({ governance: snapshot.governance, evaluations, violations, resolutions: plan.resolutions, reverts: actions.reverts, now: o.now });
  plan.policyVersion = planPolicyVersion(snapshot.policyVersion, o.now);
  return plan;
}

/**
 * The changes as judged, to record for back-tests: kept under the deal the change was made on (a merged-away deal's
 * too), so a back-test replays each deal's own history, as the engine judged it, and gives the engine's violation ids.
 */
function judgedChanges(live: LiveSnapshot, evaluations: DealEvaluation[]): Plan["judged"] {
  const portals = new Map(live.deals.map((d) => [d.deal.id, Number(d.group.portalId) || 0]));
  const row = (dealId: string, b: BuiltChange) => ({ portalId: portals.get(dealId) ?? 0, dealId, occurredAt: b.change.occurredAt, kind: b.change.kind, json: encodeJudgedChange(b) });
  return evaluations.flatMap((e) => [...e.judged.map((b) => row(e.dealId, b)), ...e.corrected.map((b) => ({ ...row(e.dealId, b), corrected: true as const }))]);
}

/** Echoes, deleted and merged deals, and deals HubSpot no longer has: inbox dispositions, deal_state, resolutions. */
function planBookkeeping(snapshot: Snapshot, now: number): Plan {
  const missing = snapshot.live?.missing ?? [];
  const mergedResolutions: Resolution[] = snapshot.mergedOpen.map((v) => {
    const into = snapshot.mergedAway.find((m) => m.dealId === v.dealId);
    return { id: v.id, resolvedAt: into?.at ?? now, resolvedBy: `merged:${into?.into ?? "?"}`, resolvedByEvent: into?.events[0]?.inboxHash ?? null };
  });
  const dispositions: Plan["dispositions"] = [
    ...(snapshot.echoes.length === 0 ? [] : [{ hashes: hashesOf(snapshot.echoes.map((e) => e.event)), status: "ignored" as const, reason: "engine echo (own write)" }]),
    ...(snapshot.governance.edits.length === 0 ? [] : [{ hashes: hashesOf(snapshot.governance.edits), status: "ignored" as const, reason: "governance property edited outside the engine (put back)" }]),
    ...snapshot.deleted.map((g) => ({ hashes: hashesOf(g.events), status: "dropped" as const, reason: "deal deleted" })),
    ...missing.map((g) => ({ hashes: hashesOf(g.events), status: "dropped" as const, reason: "deal no longer exists in HubSpot" })),
    ...(snapshot.live?.unread ?? []).map((u) => ({ hashes: hashesOf(u.group.events), status: "ignored" as const, reason: u.reason })),
  ];
  return {
    dispositions,
    gone: [
      ...snapshot.mergedAway.map((m) => ({ dealId: m.dealId, status: "merged" as const, mergedInto: m.into, at: m.at })),
      ...snapshot.deleted.map((g) => ({ dealId: g.dealId, status: "deleted" as const, mergedInto: null, at: g.deletedAt ?? now })),
      ...missing.map((g) => ({ dealId: g.dealId, status: "deleted" as const, mergedInto: null, at: now })),
    ],
    violations: [],
    transitions: [],
    closeDates: [],
    judged: [],
    states: [],
    resolutions: mergedResolutions,
    reverts: [],
    capped: [],
    tasks: [],
    lateTasks: [],
    completions: [],
    governance: planGovernance({ governance: snapshot.governance, evaluations: [], violations: [], resolutions: mergedResolutions, reverts: [], now }),
    policyVersion: null,
    associationLog: { entries: [], coverage: [] },
    stats: {
      deals: 0,
      echoes: snapshot.echoes.length,
      dropped: [...snapshot.deleted, ...missing].reduce((n, g) => n + g.events.length, 0),
      violations: 0,
      tasksCreated: 0,
      reverts: 0,
      resolved: mergedResolutions.length,
    },
  };
}

/**
 * One plan per detected violation (the first detection of an id wins): the stored actions of an earlier attempt, or
 * the initial ones. A violation resolved in this run has its pending actions skipped — unless the engine itself moved
 * the deal back in an earlier attempt (it "complies" again, but the rep still gets the rule's task).
 */
function planViolations(live: LiveSnapshot, evaluations: DealEvaluation[], now: number): ViolationPlan[] {
  const resolved = new Set(evaluations.flatMap((e) => e.resolutions.map((r) => r.id)));
  const out = new Map<string, ViolationPlan>();
  for (const d of evaluations.flatMap((e) => e.detected)) {
    if (out.has(d.id)) continue;
    const stored = live.stored.get(d.id);
    const revertedBefore = stored?.reverted === true || live.reverts.get(d.id)?.status === "done";
    const open = revertedBefore || ((stored?.status ?? "open") === "open" && !resolved.has(d.id));
    let changed = false;
    const actions = (stored?.actions ?? initialActions(d)).map((a) => {
      if (open || a.outcome !== "pending") return { ...a };
      changed = true;
      return { ...a, outcome: "skipped" as const, reason: d.mergedInto === null ? "the deal already complies" : `the deal was merged into ${d.mergedInto}` };
    });
    const label = (id: string | null) => (id === null ? null : (live.metadata.stages.get(id)?.stage.label ?? null));
    out.set(d.id, { d, actions, insert: stored === undefined ? toInsert(d, now, label) : null, changed, open, reverted: false });
  }
  return [...out.values()];
}

/**
 * The actions as first recorded: audit mode records what would have run; `log` is done by recording. Warn mode runs
 * the tasks and records the revert as what enforce would have done; a rule whose only say to the rep was the revert
 * gives the rep a task in its place (warn-mode.ts).
 */
function initialActions(detected: DetectedViolation): RecordedAction[] {
  const actions = detected.violation.actions.map((planned): RecordedAction => {
    if (detected.mode === "audit") return { type: planned.type, planned, outcome: "would-run" };
    if (planned.type === "log") return { type: planned.type, planned, outcome: "done" };
    if (detected.mode === "warn" && planned.type === "revert") return { type: planned.type, planned, outcome: "would-run", reason: WARN_NOT_REVERTED };
    return { type: planned.type, planned, outcome: "pending" };
  });
  return needsWarnTask(detected) ? [...actions, warnTaskAction()] : actions;
}

function toInsert(d: DetectedViolation, now: number, label: (stageId: string | null) => string | null): NonNullable<ViolationPlan["insert"]> {
  const c = d.built.change;
  const v = d.violation;
  return {
    id: d.id, portalId: d.portalId, dealId: c.dealId, dealName: d.dealName, pipelineId: c.pipelineId,
    fromStage: c.fromStage, toStage: c.toStage, fromStageLabel: label(c.fromStage), toStageLabel: label(c.toStage),
    policyId: v.policyId, policyVersion: v.policyVersion, ruleId: v.ruleId, severity: v.severity, mode: d.mode,
    message: v.message, missing: v.missing, trace: v.trace, ownerId: c.ownerId, teamId: d.teamId,
    actorUserId: c.actor.userId, actorOwnerId: c.actor.ownerId, changeSource: c.actor.changeSource, sourceId: c.actor.sourceId,
    sourceEvents: d.built.inboxHashes, occurredAt: c.occurredAt, detectedAt: now,
  };
}

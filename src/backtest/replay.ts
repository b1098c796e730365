// Replays each deal's history through the engine's own evaluation (enforcement/evaluate-deal.ts over the policy core):
// every change as of its time, open violations carried from change to change (so a second quick move is judged from
// the stage the first one left, as live), the engine's reverts in the stage history ending move violations. Pure.
import type { BuiltChange } from "../enforcement/build-change";
import { evaluateDeal, type DetectedViolation } from "../enforcement/evaluate-deal";
import type { ChangeGroup, DealGroup } from "../enforcement/group-events";
import type { PortalMetadata } from "../enforcement/portal-metadata";
import type { DealSnapshot } from "../enforcement/snapshot";
import type { ActionType, CompiledPolicySet, DealChange, Mode, Severity } from "../policy";
import type { BacktestHistory, BacktestWindow, HistoryDeal } from "./history";

/** One violation the set would have recorded: the same id the engine gives it (deal, policy, rule, time, stage). */
export interface BacktestHit {
  id: string;
  dealId: string;
  dealName: string | null;
  ownerId: string | null;
  policyId: string;
  ruleId: string;
  severity: Severity;
  /** The mode the rule is written with. */
  mode: Mode;
  message: string;
  occurredAt: number;
  fromStage: string | null;
  toStage: string | null;
  changeSource: string;
  /** The actions the rule plans (audit: what would have run). */
  actions: ActionType[];
}

export interface ReplayOptions {
  set: CompiledPolicySet;
  metadata: PortalMetadata;
  window: BacktestWindow;
}

/** Every hit of the set on the history's changes inside the window, oldest first. Never throws. */
export function replayHistory(history: BacktestHistory, o: ReplayOptions): BacktestHit[] {
  const hits: BacktestHit[] = [];
  for (const deal of history.deals) {
    const changes = deal.changes.filter((b) => b.change.occurredAt < o.window.to);
    if (!changes.some((b) => b.change.occurredAt >= o.window.from)) continue;
    // The stages the engine reverted the deal to tell its reverts apart in the stage history (where evaluate reads it).
    const options = { set: o.set, properties: history.properties, metadata: o.metadata, modeOverride: null, revertedTo: new Map([[deal.dealId, new Set(deal.revertedTo)]]) };
    const evaluation = evaluateDeal(snapshotOf(deal, changes, history.properties), options);
    for (const d of evaluation.detected) if (d.built.change.occurredAt >= o.window.from) hits.push(hitOf(d));
  }
  return hits.sort((a, b) => a.occurredAt - b.occurredAt || a.id.localeCompare(b.id));
}

function hitOf(d: DetectedViolation): BacktestHit {
  const c = d.built.change;
  return {
    id: d.id,
    dealId: c.dealId,
    dealName: d.dealName,
    ownerId: c.ownerId,
    policyId: d.violation.policyId,
    ruleId: d.violation.ruleId,
    severity: d.violation.severity,
    mode: d.violation.mode,
    message: d.violation.message,
    occurredAt: c.occurredAt,
    fromStage: c.fromStage,
    toStage: c.toStage,
    changeSource: c.actor.changeSource,
    actions: d.violation.actions.map((a) => a.type),
  };
}

/** The deal as the evaluation step takes it: one group of every change, nothing open before the first. */
function snapshotOf(deal: HistoryDeal, changes: BuiltChange[], properties: string[]): DealSnapshot {
  const last = changes.at(-1)?.change;
  const end = last?.occurredAt ?? 0;
  const values: Record<string, string | null> = { ...(last?.new ?? {}) };
  const group: DealGroup = {
    dealId: deal.dealId,
    portalId: String(deal.portalId),
    changes: changes.map(groupOf),
    deletedAt: null,
    restoredAt: null,
    events: [],
  };
  const stageHistory = deal.stageHistory.filter((h) => h.timestamp < end + 1);
  const current: DealChange = {
    ...(last ?? emptyChange(deal.dealId)),
    kind: "scan",
    fromStage: null,
    fromPipelineId: last?.pipelineId ?? null,
    changedProperties: [],
    old: values,
    actor: { userId: null, ownerId: null, teamIds: [], isDealOwner: false, isManager: false, changeSource: "SCAN", sourceId: null },
    occurredAt: end,
  };
  return {
    group,
    deal: { id: deal.dealId, properties: pick(values, properties), history: { dealstage: stageHistory, pipeline: deal.pipelineHistory }, updatedAt: end },
    state: undefined,
    open: [],
    built: changes,
    current,
    associations: last?.associations ?? { contacts: 0, companies: 0, line_items: 0 },
    approval: null,
    mergedInto: null,
  };
}

function groupOf(b: BuiltChange): ChangeGroup {
  const c = b.change;
  return {
    occurredAt: c.occurredAt,
    kind: c.kind === "created" ? "created" : "updated",
    values: new Map(c.changedProperties.map((p) => [p, c.new[p] ?? null])),
    changeSource: c.actor.changeSource,
    sourceId: c.actor.sourceId,
    associationChanged: false,
    merged: false,
    events: [],
  };
}

function pick(values: Record<string, string | null>, names: string[]): Record<string, string | null> {
  return Object.fromEntries(names.map((n) => [n, values[n] ?? null]));
}

function emptyChange(dealId: string): DealChange {
  return {
    dealId, kind: "scan", pipelineId: null, fromPipelineId: null, fromStage: null, toStage: null, changedProperties: [], old: {}, new: {},
    ownerId: null, ownerTeamIds: [], associations: { contacts: 0, companies: 0, line_items: 0 }, occurredAt: 0,
    actor: { userId: null, ownerId: null, teamIds: [], isDealOwner: false, isManager: false, changeSource: "SCAN", sourceId: null },
  };
}

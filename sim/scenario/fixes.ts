// Reps fixing what they broke, some hours or days later: fill the property they left blank, move a deal that
// skipped stages back (saying why in the next step), or tidy a deal up for its stage (fields, contact, company,
// line items). Fixes are planned after a move and played when their time comes, stamped at that time.
import type { Portal } from "../portal/portal";
import { userActor } from "../portal/seed";
import type { ChangeActor, CrmObject } from "../portal/types";
import { attachNew, compliantFill, NEXT_STEPS, ownerActor, stampFor, type MoveResult, type PendingFix, type ScenarioState } from "./moves";

/** Share of each violating move a rep fixes later (the rest stay open on the dashboard). */
const FIX_SHARE: Partial<Record<MoveResult["kind"], number>> = {
  "late-stage-missing-fields": 0.8,
  "skip-stages": 0.65,
  backward: 0.6,
  "import-change": 0.5,
  "workflow-change": 0.6,
  progress: 0.5,
  "close-won": 0.6,
};

const ASSOC_NOUN = { contacts: "a contact", companies: "a company", line_items: "a line item" } as const;

/** Decides whether (and when) the rep fixes what `move` broke; queues the fix. */
export function planFix(portal: Portal, move: MoveResult, s: ScenarioState): PendingFix | null {
  const share = FIX_SHARE[move.kind];
  if (share === undefined || move.dealId === null || !s.rng.chance(share)) return null;
  const deal = portal.store.get("deals", move.dealId);
  if (!deal) return null;
  // Compliant progress and wins only need tidying when something is actually missing.
  if ((move.kind === "progress" || move.kind === "close-won") && Object.keys(tidyProps(portal, deal, s, true)).length === 0 && missingAssociations(portal, deal).length === 0 && approver(portal, deal) === null) return null;
  const backTo = move.kind === "skip-stages" && move.fromStage !== undefined ? (nextStageAfter(portal, deal, move.fromStage) ?? move.fromStage) : undefined;
  const moveBack = backTo !== undefined && move.toStage !== undefined && backTo !== move.toStage;
  const dueAt = (move.at ?? s.simNow) + Math.max(1000, s.fixDelay(s.rng, moveBack));
  const fix: PendingFix =
    move.kind === "late-stage-missing-fields" && move.blank !== undefined ? { dealId: deal.id, dueAt, kind: "fill", property: move.blank }
    : moveBack ? { dealId: deal.id, dueAt, kind: "move-back", landedStage: move.toStage, backTo }
    : { dealId: deal.id, dueAt, kind: "tidy" };
  s.fixes.push(fix);
  s.fixes.sort((a, b) => a.dueAt - b.dueAt);
  return fix;
}

/** The due time of the next pending fix (Infinity when none). */
export function nextFixAt(s: ScenarioState): number {
  return s.fixes[0]?.dueAt ?? Number.POSITIVE_INFINITY;
}

/** Plays every fix due at or before `until`, each stamped at its own due time. */
export function playDueFixes(portal: Portal, s: ScenarioState, until: number): MoveResult[] {
  const out: MoveResult[] = [];
  const keepNow = s.simNow;
  while (s.fixes.length > 0 && (s.fixes[0]?.dueAt ?? Infinity) <= until) {
    const fix = s.fixes.shift();
    if (!fix) break;
    s.simNow = fix.dueAt;
    const result = playFix(portal, fix, s);
    if (result) out.push(result);
  }
  s.simNow = Math.max(keepNow, s.simNow);
  return out;
}

function playFix(portal: Portal, fix: PendingFix, s: ScenarioState): MoveResult | null {
  const deal = portal.store.get("deals", fix.dealId);
  if (!deal || isClosedLost(portal, deal)) return null;
  const { actor, name } = ownerActor(portal, deal, s);
  const dealname = `"${deal.properties.dealname ?? deal.id}"`;
  if (fix.kind === "move-back") {
    // Only if the deal still sits where it landed; moving back says why, so it is no silent backward move.
    if (deal.properties.dealstage !== fix.landedStage || fix.backTo === undefined) return null;
    const at = stampFor(s, deal.id, deal.updatedAt);
    portal.store.update("deals", deal.id, { dealstage: fix.backTo, hs_next_step: `Back to ${stageLabel(portal, deal, fix.backTo)}: ${s.rng.pick(NEXT_STEPS)}` }, actor, { at });
    return { kind: "fix", dealId: deal.id, text: `${name} moved ${dealname} back to ${stageLabel(portal, deal, fix.backTo)} (fixing a skip)`, at, toStage: fix.backTo, fix: fix.kind };
  }
  const props = fix.kind === "fill" && fix.property !== undefined ? fillFor(fix.property, deal, s) : tidyProps(portal, deal, s, false);
  const missing = fix.kind === "tidy" ? missingAssociations(portal, deal) : [];
  const manager = fix.kind === "tidy" ? approver(portal, deal) : null;
  if (Object.keys(props).length === 0 && missing.length === 0 && manager === null) return null;
  for (const type of missing) attachNew(portal, s, deal.id, type, actor);
  let at = s.lastAt.get(deal.id) ?? s.simNow;
  if (Object.keys(props).length > 0) {
    at = stampFor(s, deal.id, deal.updatedAt);
    portal.store.update("deals", deal.id, props, actor, { at });
  }
  if (manager !== null) {
    at = stampFor(s, deal.id, deal.updatedAt);
    portal.store.update("deals", deal.id, { manager_approved: "true" }, manager, { at });
  }
  const what = [...Object.keys(props), ...missing.map((t) => ASSOC_NOUN[t]), ...(manager !== null ? ["manager approval"] : [])].join(", ");
  return { kind: "fix", dealId: deal.id, text: `${name} fixed ${dealname}: ${what}`, at, fix: fix.kind, ...(fix.kind === "fill" ? { filled: fix.property } : {}) };
}

function fillFor(property: string, deal: CrmObject, s: ScenarioState): Record<string, string> {
  if ((deal.properties[property] ?? "") !== "") return {};
  const full = compliantFill(4, { ...deal, properties: { ...deal.properties, [property]: "" } }, s);
  const value = full[property];
  return value === undefined ? {} : { [property]: value };
}

/** What the deal needs for its current stage (and a future close date while open). */
function tidyProps(portal: Portal, deal: CrmObject, s: ScenarioState, dryRun: boolean): Record<string, string> {
  const index = stageIndexOf(portal, deal);
  if (index < 0) return {};
  const open = !isClosed(portal, deal);
  const props = dryRun ? missingFor(index, deal) : compliantFill(Math.min(index, 4), deal, s);
  if (open && (Date.parse(deal.properties.closedate ?? "") || Infinity) < s.simNow) props.closedate = new Date(s.simNow + s.rng.int(14, 45) * 86_400_000).toISOString();
  return props;
}

function missingFor(index: number, deal: CrmObject): Record<string, string> {
  const has = (n: string) => (deal.properties[n] ?? "") !== "";
  const need = [...(index >= 1 ? ["amount"] : []), ...(index >= 2 ? ["closedate"] : []), ...(index >= 3 ? ["decision_maker", "hs_next_step"] : [])];
  return Object.fromEntries(need.filter((n) => !has(n)).map((n) => [n, "?"]));
}

function missingAssociations(portal: Portal, deal: CrmObject): Array<"contacts" | "companies" | "line_items"> {
  const index = stageIndexOf(portal, deal);
  const stage = deal.properties.dealstage ?? "";
  const none = (t: "contacts" | "companies" | "line_items") => portal.store.associatedIds(deal.id, t).length === 0;
  const out: Array<"contacts" | "companies" | "line_items"> = [];
  if (index >= 1 && none("contacts")) out.push("contacts");
  if ((stage === "contractsent" || stage === "closedwon") && none("companies")) out.push("companies");
  if (stage === "closedwon" && none("line_items")) out.push("line_items");
  return out;
}

/** The owner's team manager, when a large deal past Contract Sent still lacks their approval (and they aren't the owner). */
function approver(portal: Portal, deal: CrmObject): ChangeActor | null {
  const stage = deal.properties.dealstage ?? "";
  if (!(Number(deal.properties.amount) > 50_000) || (stage !== "contractsent" && stage !== "closedwon") || deal.properties.manager_approved === "true") return null;
  const owner = portal.store.owners.find((o) => o.id === deal.properties.hubspot_owner_id);
  const teamId = owner?.teams.find((t) => t.primary)?.id;
  const managerId = portal.store.teams.find((t) => t.id === teamId)?.managerOwnerId;
  const manager = portal.store.owners.find((o) => o.id === managerId);
  return manager === undefined || manager.id === owner?.id ? null : userActor(manager.userId);
}

function pipelineOf(portal: Portal, deal: CrmObject) {
  return portal.store.pipelines.find((p) => p.id === deal.properties.pipeline);
}

function stageIndexOf(portal: Portal, deal: CrmObject): number {
  return pipelineOf(portal, deal)?.stages.findIndex((st) => st.id === deal.properties.dealstage) ?? -1;
}

function isClosed(portal: Portal, deal: CrmObject): boolean {
  return pipelineOf(portal, deal)?.stages.find((st) => st.id === deal.properties.dealstage)?.isClosed ?? false;
}

function isClosedLost(portal: Portal, deal: CrmObject): boolean {
  const stage = pipelineOf(portal, deal)?.stages.find((st) => st.id === deal.properties.dealstage);
  return stage !== undefined && stage.isClosed && stage.probability !== "1.0";
}

function nextStageAfter(portal: Portal, deal: CrmObject, stageId: string): string | undefined {
  const stages = pipelineOf(portal, deal)?.stages ?? [];
  const i = stages.findIndex((st) => st.id === stageId);
  const next = stages[i + 1];
  return i >= 0 && next !== undefined && !next.isClosed ? next.id : undefined;
}

function stageLabel(portal: Portal, deal: CrmObject, stageId: string): string {
  return pipelineOf(portal, deal)?.stages.find((st) => st.id === stageId)?.label ?? stageId;
}

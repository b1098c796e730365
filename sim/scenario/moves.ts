// The demo's vocabulary of rep behaviour: compliant progressions and the violations governance is about.
// Each move mutates one portal through its store (as a user, an import or a workflow) and describes itself.
import type { NativeRefusal } from "../portal/native-rules";
import type { Portal } from "../portal/portal";
import type { Rng } from "../portal/rng";
import { userActor } from "../portal/seed";
import type { AssocType } from "../portal/store";
import type { ChangeActor, CrmObject, Pipeline } from "../portal/types";

/** A fix a rep will make later: fill what they left blank, move a skipped deal back, or tidy the deal up. */
export interface PendingFix {
  dealId: string;
  dueAt: number;
  kind: "fill" | "move-back" | "tidy";
  /** fill: the property left blank. */
  property?: string;
  /** move-back: the stage the deal jumped into, and the stage to go back to. */
  landedStage?: string;
  backTo?: string;
}

export interface ScenarioState {
  rng: Rng;
  /** Simulated "now" (epoch ms): every write of a move is stamped with it (history and webhook occurredAt). */
  simNow: number;
  step: number;
  slipping: Set<string>;
  /** Last write per deal: a deal's history never runs backwards nor has two edits in one millisecond. */
  lastAt: Map<string, number>;
  /** Fixes reps will make, by due time. */
  fixes: PendingFix[];
  /** How long a rep takes to fix something (ms); `urgent` for what a manager spots the same day (a skipped stage).
   *  Differs between the backfill (simulated hours and days) and the live phase (a few steps). */
  fixDelay: (rng: Rng, urgent: boolean) => number;
}

export type MoveKind =
  | "create" | "progress" | "close-won" | "close-lost" | "skip-stages" | "late-stage-missing-fields"
  | "backward" | "push-close-date" | "import-change" | "workflow-change" | "merge" | "delete-restore" | "fix";

export interface MoveResult {
  kind: MoveKind;
  dealId: string | null;
  text: string;
  /** Simulated time of the move's writes. */
  at?: number;
  /** late-stage-missing-fields: the property left blank. */
  blank?: string;
  /** Fixes: which kind, and the property a "fill" filled. */
  fix?: PendingFix["kind"];
  filled?: string;
  /** Stage moves: where the deal came from and went to. */
  fromStage?: string;
  toStage?: string;
  /** HubSpot's native pipeline rules refused the rep's write (the code), before anything was saved. */
  refused?: string;
}

const DAY = 86_400_000;
const WORKFLOW: ChangeActor = { sourceType: "WORKFLOW", sourceId: "7301", sourceLabel: "Workflow" };
export const NEXT_STEPS = ["Send proposal", "Book demo with IT", "Legal review", "Pricing call", "Security questionnaire"];
const PEOPLE = ["Dana Reyes", "Sam Oduya", "Lee Park", "Ivy Chen", "Tom Weber"];

/** Properties a well-behaved rep fills before entering a stage of the default pipeline. */
export function compliantFill(stageIndex: number, deal: CrmObject, s: ScenarioState): Record<string, string> {
  const p: Record<string, string> = {};
  const has = (n: string) => (deal.properties[n] ?? "") !== "";
  if (stageIndex >= 1 && !has("amount")) p.amount = String(s.rng.int(4, 120) * 1000);
  if (stageIndex >= 2 && !has("closedate")) p.closedate = new Date(s.simNow + s.rng.int(20, 75) * DAY).toISOString();
  if (stageIndex >= 3 && !has("decision_maker")) p.decision_maker = s.rng.pick(PEOPLE);
  if (stageIndex >= 3 && !has("hs_next_step")) p.hs_next_step = s.rng.pick(NEXT_STEPS);
  return p;
}

export function ownerActor(portal: Portal, deal: CrmObject | undefined, s: ScenarioState): { actor: ChangeActor; name: string } {
  const owner = portal.store.owners.find((o) => o.id === deal?.properties.hubspot_owner_id) ?? (portal.store.owners.length > 0 ? s.rng.pick(portal.store.owners) : undefined);
  if (!owner) return { actor: { sourceType: "CRM_UI" }, name: "someone" };
  return { actor: userActor(owner.userId), name: `${owner.firstName} ${owner.lastName}` };
}

function openDeals(portal: Portal, pipeline?: Pipeline): CrmObject[] {
  return portal.store.list("deals").filter((d) => {
    const p = portal.store.pipelines.find((x) => x.id === d.properties.pipeline);
    const stage = p?.stages.find((st) => st.id === d.properties.dealstage);
    return p !== undefined && stage !== undefined && !stage.isClosed && (pipeline === undefined || p.id === pipeline.id);
  });
}

function stageIndex(pipeline: Pipeline, deal: CrmObject): number {
  return pipeline.stages.findIndex((s) => s.id === deal.properties.dealstage);
}

function label(deal: CrmObject): string {
  return `"${deal.properties.dealname ?? deal.id}"`;
}

/** The time to stamp the next write to `dealId` with: the simulated now, strictly after the deal's last write. */
export function stampFor(s: ScenarioState, dealId: string, updatedAt = 0): number {
  const at = Math.max(s.simNow, (s.lastAt.get(dealId) ?? 0) + 1, updatedAt + 1);
  s.lastAt.set(dealId, at);
  return at;
}

/** Creates an object of `type` and associates it with the deal, both at the simulated time. */
export function attachNew(portal: Portal, s: ScenarioState, dealId: string, type: Exclude<AssocType, "tasks">, actor: ChangeActor): void {
  const props: Record<Exclude<AssocType, "tasks">, Record<string, string>> = {
    contacts: { firstname: s.rng.pick(PEOPLE).split(" ")[0] ?? "Dana", lastname: s.rng.pick(["Reyes", "Oduya", "Park", "Chen", "Weber"]) },
    companies: { name: s.rng.pick(["Northwind", "Contoso", "Fabrikam", "Tailspin"]), domain: "example.com" },
    line_items: { name: "Seat licence", quantity: String(s.rng.int(5, 80)), price: "49" },
  };
  const at = stampFor(s, dealId);
  const created = portal.store.create(type, props[type], actor, { at });
  if (created.ok) portal.store.associate(dealId, type, created.value.id, actor, false, true, at);
}

/** Plays one move at `s.simNow`. Returns what happened (null deal when nothing applied). */
export function playMove(portal: Portal, kind: MoveKind, s: ScenarioState): MoveResult {
  const store = portal.store;
  const pipeline = store.pipelines[0];
  if (!pipeline) return { kind, dealId: null, text: "no pipeline" };
  const open = pipeline.stages.filter((x) => !x.isClosed);
  const won = pipeline.stages.find((x) => x.isClosed && x.probability === "1.0");
  const lost = pipeline.stages.find((x) => x.isClosed && x.probability !== "1.0");
  const candidates = openDeals(portal, pipeline);
  const deal = candidates.length > 0 ? s.rng.pick(candidates) : undefined;

  if (kind === "create" || !deal) {
    const { actor, name } = ownerActor(portal, undefined, s);
    const ownerId = store.owners.find((o) => `userId:${o.userId}` === actor.sourceId)?.id ?? "";
    const dealname = `${s.rng.pick(["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum"])} — ${s.rng.pick(["Pilot", "Rollout", "Upsell", "Renewal"])} ${s.step}`;
    const at = s.simNow;
    const created = store.create("deals", { dealname, pipeline: pipeline.id, dealstage: open[0]?.id ?? "", hubspot_owner_id: ownerId }, actor, { at });
    if (!created.ok) return { kind, dealId: null, text: "create failed" };
    const id = created.value.id;
    s.lastAt.set(id, at);
    // Most reps log the contact and the account when they create the deal; the rest forget (a later violation).
    if (s.rng.chance(0.75)) attachNew(portal, s, id, "contacts", actor);
    if (s.rng.chance(0.8)) attachNew(portal, s, id, "companies", actor);
    return { kind: "create", dealId: id, text: `${name} created ${label(created.value)}`, at, toStage: open[0]?.id };
  }
  const { actor, name } = ownerActor(portal, deal, s);
  const at = stageIndex(pipeline, deal);
  const from = deal.properties.dealstage;
  /** A write as HubSpot takes it: its native pipeline rules may refuse a rep's write before it is saved. */
  const move = (props: Record<string, string>, by: ChangeActor = actor, target: CrmObject = deal): number | NativeRefusal => {
    const refusal = portal.native.check(store, target, props, by, false);
    if (refusal !== null) {
      portal.native.record(refusal, target.id, by, s.simNow);
      return refusal;
    }
    const when = stampFor(s, target.id, target.updatedAt);
    store.update("deals", target.id, props, by, { at: when });
    return when;
  };
  const result = (text: string, when: number, extra: Partial<MoveResult> = {}): MoveResult => ({ kind, dealId: deal.id, text, at: when, fromStage: from, ...extra });
  // Nothing was saved: no webhook, nothing for the engine, nothing for the rep to fix.
  const refusedMove = (r: NativeRefusal): MoveResult => ({ kind, dealId: null, text: `HubSpot refused ${name}'s change to ${label(deal)} before the save: ${r.message}`, at: s.simNow, refused: r.code });

  switch (kind) {
    case "progress": {
      const target = pipeline.stages[at + 1];
      if (!target || target.isClosed) return playMove(portal, "close-won", s);
      const when = move({ ...compliantFill(at + 1, deal, s), dealstage: target.id });
      if (typeof when !== "number") return refusedMove(when);
      return result(`${name} moved ${label(deal)} to ${target.label}`, when, { toStage: target.id });
    }
    case "close-won": {
      if (!won) return { kind, dealId: null, text: "no won stage" };
      // Reps mostly win deals that reached the last open stage; earlier ones just progress.
      if (at < open.length - 1) return playMove(portal, "progress", s);
      if (store.associatedIds(deal.id, "line_items").length === 0 && s.rng.chance(0.8)) attachNew(portal, s, deal.id, "line_items", actor);
      const when = move({ ...compliantFill(open.length, deal, s), dealstage: won.id, closed_won_reason: "Best fit" });
      if (typeof when !== "number") return refusedMove(when);
      return result(`${name} closed ${label(deal)} as won`, when, { toStage: won.id });
    }
    case "close-lost": {
      if (!lost) return { kind, dealId: null, text: "no lost stage" };
      const when = move({ dealstage: lost.id, closed_lost_reason: s.rng.pick(["Budget", "Went with competitor", "No decision"]) });
      if (typeof when !== "number") return refusedMove(when);
      return result(`${name} closed ${label(deal)} as lost`, when, { toStage: lost.id });
    }
    case "skip-stages": {
      const target = open[Math.min(open.length - 1, at + s.rng.int(2, 3))];
      if (!target || target.id === deal.properties.dealstage) return playMove(portal, "progress", s);
      const props = { ...compliantFill(target.displayOrder, deal, s), dealstage: target.id };
      const when = move(props);
      if (typeof when !== "number") {
        // Refused in the UI, the rep gets ops to push it through with a workflow — which HubSpot's rules don't stop.
        const pushed = move(props, WORKFLOW);
        if (typeof pushed !== "number") return refusedMove(pushed);
        return result(`HubSpot refused ${name}'s jump of ${label(deal)} to ${target.label} (${when.code}); workflow 7301 made it anyway — the engine judges it after the save`, pushed, { toStage: target.id, refused: when.code });
      }
      return result(`${name} jumped ${label(deal)} to ${target.label}, skipping stages`, when, { toStage: target.id });
    }
    case "late-stage-missing-fields": {
      const target = open[Math.max(open.length - 2, at + 1)] ?? open[open.length - 1];
      if (!target) return { kind, dealId: null, text: "no stage" };
      const blank = s.rng.pick(["amount", "closedate", "hs_next_step", "decision_maker"]);
      const when = move({ dealstage: target.id, [blank]: "" });
      if (typeof when !== "number") return refusedMove(when);
      return result(`${name} moved ${label(deal)} to ${target.label} without ${blank}`, when, { toStage: target.id, blank });
    }
    case "backward": {
      if (at <= 0) return playMove(portal, "progress", s);
      const target = pipeline.stages[s.rng.int(0, at - 1)];
      if (!target) return { kind, dealId: null, text: "no stage" };
      const when = move({ dealstage: target.id });
      if (typeof when !== "number") return refusedMove(when);
      return result(`${name} moved ${label(deal)} back to ${target.label}`, when, { toStage: target.id });
    }
    case "push-close-date": {
      const slipping = [...s.slipping].map((id) => store.get("deals", id)).find((d) => d !== undefined && candidates.includes(d)) ?? deal;
      s.slipping.add(slipping.id);
      const current = Date.parse(slipping.properties.closedate ?? "") || s.simNow;
      const next = new Date(Math.max(current, s.simNow) + s.rng.int(7, 30) * DAY).toISOString();
      const when = move({ closedate: next }, ownerActor(portal, slipping, s).actor, slipping);
      if (typeof when !== "number") return refusedMove(when);
      return { kind, dealId: slipping.id, text: `close date of ${label(slipping)} pushed to ${next.slice(0, 10)}`, at: when };
    }
    case "import-change": {
      const target = open[s.rng.int(0, open.length - 1)];
      const when = move({ dealstage: target?.id ?? open[0]?.id ?? "", amount: String(s.rng.int(1, 90) * 1000) }, { sourceType: "IMPORT", sourceId: `import-${s.step}`, sourceLabel: "Import" });
      if (typeof when !== "number") return refusedMove(when);
      return result(`a spreadsheet import changed ${label(deal)} (stage ${target?.label ?? "?"})`, when, { toStage: target?.id });
    }
    case "workflow-change": {
      const target = pipeline.stages[Math.min(at + 1, open.length - 1)];
      const when = move({ dealstage: target?.id ?? "", hs_priority: "high" }, WORKFLOW);
      if (typeof when !== "number") return refusedMove(when);
      return result(`workflow 7301 moved ${label(deal)} to ${target?.label ?? "?"}`, when, { toStage: target?.id });
    }
    case "merge": {
      const other = candidates.find((d) => d.id !== deal.id);
      if (!other) return playMove(portal, "progress", s);
      const when = stampFor(s, deal.id, deal.updatedAt);
      s.lastAt.set(other.id, when);
      store.merge(deal.id, other.id, actor, when);
      return result(`${name} merged ${label(other)} into ${label(deal)}`, when);
    }
    case "delete-restore": {
      const when = stampFor(s, deal.id, deal.updatedAt);
      store.archive("deals", deal.id, actor, when);
      store.restore("deals", deal.id, actor, stampFor(s, deal.id));
      return result(`${name} deleted and restored ${label(deal)}`, when);
    }
  }
  return { kind, dealId: null, text: "nothing" };
}

// The demo's vocabulary of rep behaviour: compliant progressions and the violations governance is about.
// Each move mutates one portal through its store (as a user, an import or a workflow) and describes itself.
import type { Portal } from "../portal/portal";
import type { Rng } from "../portal/rng";
import { userActor } from "../portal/seed";
import type { ChangeActor, CrmObject, Pipeline } from "../portal/types";

export interface ScenarioState {
  rng: Rng;
  /** Simulated "today" (epoch ms); advances each step. */
  simNow: number;
  step: number;
  slipping: Set<string>;
}

export type MoveKind =
  | "create" | "progress" | "close-won" | "close-lost" | "skip-stages" | "late-stage-missing-fields"
  | "backward" | "push-close-date" | "import-change" | "workflow-change" | "merge" | "delete-restore";

export interface MoveResult { kind: MoveKind; dealId: string | null; text: string }

const DAY = 86_400_000;
const NEXT_STEPS = ["Send proposal", "Book demo with IT", "Legal review", "Pricing call", "Security questionnaire"];
const PEOPLE = ["Dana Reyes", "Sam Oduya", "Lee Park", "Ivy Chen", "Tom Weber"];

/** Properties a well-behaved rep fills before entering a stage of the default pipeline. */
function compliantFill(stageIndex: number, deal: CrmObject, s: ScenarioState): Record<string, string> {
  const p: Record<string, string> = {};
  const has = (n: string) => (deal.properties[n] ?? "") !== "";
  if (stageIndex >= 1 && !has("amount")) p.amount = String(s.rng.int(4, 120) * 1000);
  if (stageIndex >= 2 && !has("closedate")) p.closedate = new Date(s.simNow + s.rng.int(20, 75) * DAY).toISOString();
  if (stageIndex >= 3 && !has("decision_maker")) p.decision_maker = s.rng.pick(PEOPLE);
  if (stageIndex >= 3 && !has("hs_next_step")) p.hs_next_step = s.rng.pick(NEXT_STEPS);
  return p;
}

function ownerActor(portal: Portal, deal: CrmObject | undefined, s: ScenarioState): { actor: ChangeActor; name: string } {
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

/** Plays one move. Returns what happened (null deal when nothing applied). */
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
    const created = store.create("deals", { dealname: `${s.rng.pick(["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Adatum"])} — ${s.rng.pick(["Pilot", "Rollout", "Upsell", "Renewal"])} ${s.step}`, pipeline: pipeline.id, dealstage: open[0]?.id ?? "", hubspot_owner_id: ownerId }, actor);
    return created.ok ? { kind: "create", dealId: created.value.id, text: `${name} created ${label(created.value)}` } : { kind, dealId: null, text: "create failed" };
  }
  const { actor, name } = ownerActor(portal, deal, s);
  const at = stageIndex(pipeline, deal);
  const move = (props: Record<string, string>, by: ChangeActor = actor) => store.update("deals", deal.id, props, by);

  switch (kind) {
    case "progress": {
      const target = pipeline.stages[at + 1];
      if (!target || target.isClosed) return playMove(portal, "close-won", s);
      move({ ...compliantFill(at + 1, deal, s), dealstage: target.id });
      return { kind, dealId: deal.id, text: `${name} moved ${label(deal)} to ${target.label}` };
    }
    case "close-won": {
      if (!won) return { kind, dealId: null, text: "no won stage" };
      // Reps mostly win deals that reached the last open stage; earlier ones just progress.
      if (at < open.length - 1) return playMove(portal, "progress", s);
      move({ ...compliantFill(open.length, deal, s), dealstage: won.id, closed_won_reason: "Best fit" });
      return { kind, dealId: deal.id, text: `${name} closed ${label(deal)} as won` };
    }
    case "close-lost": {
      if (!lost) return { kind, dealId: null, text: "no lost stage" };
      move({ dealstage: lost.id, closed_lost_reason: s.rng.pick(["Budget", "Went with competitor", "No decision"]) });
      return { kind, dealId: deal.id, text: `${name} closed ${label(deal)} as lost` };
    }
    case "skip-stages": {
      const target = open[Math.min(open.length - 1, at + s.rng.int(2, 3))];
      if (!target || target.id === deal.properties.dealstage) return playMove(portal, "progress", s);
      move({ ...compliantFill(target.displayOrder, deal, s), dealstage: target.id });
      return { kind, dealId: deal.id, text: `${name} jumped ${label(deal)} to ${target.label}, skipping stages` };
    }
    case "late-stage-missing-fields": {
      const target = open[Math.max(open.length - 2, at + 1)] ?? open[open.length - 1];
      if (!target) return { kind, dealId: null, text: "no stage" };
      const blank = s.rng.pick(["amount", "closedate", "hs_next_step", "decision_maker"]);
      move({ dealstage: target.id, [blank]: "" });
      return { kind, dealId: deal.id, text: `${name} moved ${label(deal)} to ${target.label} without ${blank}` };
    }
    case "backward": {
      if (at <= 0) return playMove(portal, "progress", s);
      const target = pipeline.stages[s.rng.int(0, at - 1)];
      if (!target) return { kind, dealId: null, text: "no stage" };
      move({ dealstage: target.id });
      return { kind, dealId: deal.id, text: `${name} moved ${label(deal)} back to ${target.label}` };
    }
    case "push-close-date": {
      const slipping = [...s.slipping].map((id) => store.get("deals", id)).find((d) => d !== undefined && candidates.includes(d)) ?? deal;
      s.slipping.add(slipping.id);
      const current = Date.parse(slipping.properties.closedate ?? "") || s.simNow;
      const next = new Date(Math.max(current, s.simNow) + s.rng.int(7, 30) * DAY).toISOString();
      store.update("deals", slipping.id, { closedate: next }, ownerActor(portal, slipping, s).actor);
      return { kind, dealId: slipping.id, text: `close date of ${label(slipping)} pushed to ${next.slice(0, 10)}` };
    }
    case "import-change": {
      const target = open[s.rng.int(0, open.length - 1)];
      store.update("deals", deal.id, { dealstage: target?.id ?? open[0]?.id ?? "", amount: String(s.rng.int(1, 90) * 1000) }, { sourceType: "IMPORT", sourceId: `import-${s.step}`, sourceLabel: "Import" });
      return { kind, dealId: deal.id, text: `a spreadsheet import changed ${label(deal)} (stage ${target?.label ?? "?"})` };
    }
    case "workflow-change": {
      const target = pipeline.stages[Math.min(at + 1, open.length - 1)];
      store.update("deals", deal.id, { dealstage: target?.id ?? "", hs_priority: "high" }, { sourceType: "WORKFLOW", sourceId: "7301", sourceLabel: "Workflow" });
      return { kind, dealId: deal.id, text: `workflow 7301 moved ${label(deal)} to ${target?.label ?? "?"}` };
    }
    case "merge": {
      const other = candidates.find((d) => d.id !== deal.id);
      if (!other) return playMove(portal, "progress", s);
      store.merge(deal.id, other.id, actor);
      return { kind, dealId: deal.id, text: `${name} merged ${label(other)} into ${label(deal)}` };
    }
    case "delete-restore": {
      store.archive("deals", deal.id, actor);
      store.restore("deals", deal.id, actor);
      return { kind, dealId: deal.id, text: `${name} deleted and restored ${label(deal)}` };
    }
  }
  return { kind, dealId: null, text: "nothing" };
}

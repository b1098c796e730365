// Seeds a portal: pipelines, owners and teams (a manager per team), and N deals with a realistic, backdated
// property history and associations. Seeding is silent: it produces no webhooks (it is the portal's past).
import { z } from "zod";
import { defaultSalesPipeline, renewalsPipeline } from "./pipelines";
import type { Portal } from "./portal";
import type { ChangeActor, Owner, Pipeline, Team } from "./types";

const StageSchema = z.object({ id: z.string().min(1), label: z.string(), probability: z.string().default("0.5"), isClosed: z.boolean().default(false) });
const PipelineSchema = z.object({ id: z.string().min(1), label: z.string(), stages: z.array(StageSchema).min(1) });

export const SeedSchema = z.object({
  /** "default" (HubSpot's sales pipeline), "default+renewals" (adds one with numeric stage ids), or explicit pipelines. */
  pipelines: z.union([z.enum(["default", "default+renewals"]), z.array(PipelineSchema).min(1)]).default("default+renewals"),
  teams: z.number().int().min(0).max(20).default(2),
  ownersPerTeam: z.number().int().min(1).max(50).default(3),
  deals: z.number().int().min(0).max(20_000).default(0),
  /** Days of backdated history for seeded deals. */
  historyDays: z.number().int().min(1).max(3650).default(60),
});
export type SeedInput = z.input<typeof SeedSchema>;

const FIRST = ["Ava", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam", "Maya", "Noah", "Olga", "Priya"];
const LAST = ["Smith", "Okafor", "Martin", "Tanaka", "Garcia", "Novak", "Khan", "Müller", "Rossi", "Silva", "Haddad", "Larsen"];
const COMPANIES = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay"];
const DAY = 86_400_000;

export interface SeedSummary {
  pipelines: string[];
  owners: Owner[];
  teams: Team[];
  dealIds: string[];
}

/** Seeds `portal` (replacing pipelines, owners and teams; adding deals). */
export function seedPortal(portal: Portal, input: SeedInput): SeedSummary {
  const spec = SeedSchema.parse(input);
  const { store } = portal;
  store.pipelines = resolvePipelines(spec.pipelines);
  store.teams = [];
  store.owners = [];
  let ownerSeq = 0;
  for (let t = 0; t < Math.max(1, spec.teams); t++) {
    const teamId = String(4_100_000 + t + 1);
    const members: Owner[] = [];
    for (let m = 0; m < spec.ownersPerTeam; m++) {
      ownerSeq += 1;
      const firstName = FIRST[(ownerSeq - 1) % FIRST.length] ?? "Rep";
      const lastName = LAST[(ownerSeq * 7) % LAST.length] ?? "Seller";
      members.push({
        id: String(100_000_000 + ownerSeq),
        userId: 5_000_000 + ownerSeq,
        email: `${firstName.toLowerCase()}.${lastName.toLowerCase().replace("ü", "u")}@example.com`,
        firstName, lastName,
        teams: spec.teams === 0 ? [] : [{ id: teamId, primary: true }],
        createdAt: portal.now() - 400 * DAY,
      });
    }
    store.owners.push(...members);
    if (spec.teams > 0) store.teams.push({ id: teamId, name: `Sales Team ${String.fromCharCode(65 + t)}`, managerOwnerId: members[0]?.id ?? null });
  }
  const dealIds: string[] = [];
  for (let i = 0; i < spec.deals; i++) dealIds.push(seedDeal(portal, spec.historyDays));
  portal.onChange?.();
  return { pipelines: store.pipelines.map((p) => p.id), owners: store.owners, teams: store.teams, dealIds };
}

function resolvePipelines(spec: z.infer<typeof SeedSchema>["pipelines"]): Pipeline[] {
  if (spec === "default") return [defaultSalesPipeline()];
  if (spec === "default+renewals") return [defaultSalesPipeline(), renewalsPipeline()];
  return spec.map((p, displayOrder) => ({ id: p.id, label: p.label, displayOrder, stages: p.stages.map((s, i) => ({ ...s, displayOrder: i })) }));
}

/** Actor for a user acting through the CRM UI. */
export function userActor(userId: number): ChangeActor {
  return { sourceType: "CRM_UI", sourceId: `userId:${userId}`, updatedByUserId: userId };
}

/** One deal, created in the past and walked forward stage by stage by its owner. */
function seedDeal(portal: Portal, historyDays: number): string {
  const { store, rng } = portal;
  const now = portal.now();
  const owner = store.owners.length > 0 ? rng.pick(store.owners) : undefined;
  const actor = owner ? userActor(owner.userId) : { sourceType: "IMPORT", sourceId: "import-1" };
  const pipeline = rng.chance(0.8) ? store.pipelines[0] : rng.pick(store.pipelines);
  if (!pipeline) throw new Error("seed: no pipeline");
  const open = pipeline.stages.filter((s) => !s.isClosed);
  const closed = pipeline.stages.filter((s) => s.isClosed);
  let at = now - rng.int(5, historyDays) * DAY;
  const company = rng.pick(COMPANIES);
  const created = store.create("deals", {
    dealname: `${company} — ${rng.pick(["Platform", "Expansion", "Pilot", "Renewal", "Services"])} ${rng.int(1, 99)}`,
    pipeline: pipeline.id,
    dealstage: open[0]?.id ?? pipeline.stages[0]?.id ?? "",
    hubspot_owner_id: owner?.id ?? "",
  }, actor, { at, emit: false });
  if (!created.ok) throw new Error(`seed: ${created.error.map((e) => e.message).join("; ")}`);
  const id = created.value.id;
  const steps = rng.int(0, open.length);
  for (let s = 1; s <= steps; s++) {
    at += rng.int(1, 5) * DAY;
    if (at >= now) break;
    const stage = s < open.length ? open[s] : rng.chance(0.6) ? closed[0] : closed[1];
    const props: Record<string, string> = { dealstage: stage?.id ?? "" };
    if (s === 1 || rng.chance(0.3)) props.amount = String(rng.int(5, 200) * 500);
    if (s === 2 || rng.chance(0.2)) props.closedate = new Date(at + rng.int(10, 60) * DAY).toISOString();
    if (s >= 2) props.hs_next_step = rng.pick(["Send proposal", "Schedule demo", "Legal review", "Pricing call"]);
    if (s >= 3) props.decision_maker = `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
    store.update("deals", id, props, actor, { at, emit: false });
  }
  for (let c = rng.int(0, 3); c > 0; c--) seedAssociation(portal, id, "contacts", { firstname: rng.pick(FIRST), lastname: rng.pick(LAST) }, actor);
  if (rng.chance(0.8)) seedAssociation(portal, id, "companies", { name: company, domain: `${company.toLowerCase()}.example` }, actor);
  for (let l = rng.int(0, 2); l > 0; l--) seedAssociation(portal, id, "line_items", { name: "Seat licence", quantity: String(rng.int(1, 50)), price: "49" }, actor);
  return id;
}

function seedAssociation(portal: Portal, dealId: string, type: "contacts" | "companies" | "line_items", props: Record<string, string>, actor: ChangeActor): void {
  const created = portal.store.create(type, props, actor, { emit: false });
  if (created.ok) portal.store.associate(dealId, type, created.value.id, actor, false, false);
}

// A deterministic stream of realistic deal changes on HubSpot's default pipeline, for bench:policy.
// Seeded PRNG: the same stream every run, so both engines and every run see identical input.
import { createRng } from "../sim/portal/rng";
import type { DealChange } from "../src/policy/index";

const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];
const DAY = 86_400_000;
export const STREAM_NOW = Date.UTC(2026, 5, 1, 12);

/** Generates `count` changes from `seed`. */
export function generateChanges(count: number, seed = 42): DealChange[] {
  const rng = createRng(seed);
  const rand = rng.next;
  const { chance, pick, int } = rng;
  const date = (): string => String(Math.floor((STREAM_NOW + int(-15, 150) * DAY) / DAY) * DAY);
  const values = (): Record<string, string | null> => ({
    dealname: `Deal ${int(1, 99999)}`,
    amount: chance(0.92) ? (chance(0.02) ? "0" : String(int(1, 120) * 1000)) : null,
    closedate: chance(0.93) ? date() : null,
    decision_maker: chance(0.85) ? "Pat Buyer" : null,
    hs_next_step: chance(0.85) ? "Follow up" : null,
    manager_approved: chance(0.75) ? (chance(0.8) ? "true" : "false") : null,
    closed_lost_reason: chance(0.8) ? "Price" : null,
    hubspot_owner_id: chance(0.96) ? String(int(200, 230)) : null,
  });
  const out: DealChange[] = [];
  for (let i = 0; i < count; i++) {
    const old = values();
    const next = { ...old };
    const r = rand();
    const kind: DealChange["kind"] = r < 0.08 ? "created" : r < 0.18 ? "scan" : "updated";
    let fromStage: string | null = null;
    let current = chance(0.1) ? pick(STAGES.slice(5)) : STAGES[int(0, 4)] ?? "appointmentscheduled";
    const changed: string[] = [];
    if (kind === "created") {
      for (const [k, v] of Object.entries(next)) if (v !== null) changed.push(k);
      changed.push("dealstage", "pipeline");
    } else if (kind === "updated" && chance(0.55)) {
      fromStage = current;
      const index = STAGES.indexOf(current);
      const m = rand();
      const target = m < 0.75 ? index + 1 : m < 0.81 ? index + 2 : m < 0.87 ? index - 1 : m < 0.94 ? 5 : 6;
      current = STAGES[Math.max(0, Math.min(6, target))] ?? current;
      if (current === fromStage) current = STAGES[(index + 1) % 7] ?? current;
      changed.push("dealstage");
      if (chance(STAGES.indexOf(current) < index ? 0.4 : 0.15)) {
        next.hs_next_step = "Re-qualify";
        changed.push("hs_next_step");
      }
    } else if (kind === "updated") {
      const property = pick(["closedate", "amount", "manager_approved", "hubspot_owner_id", "hs_next_step"]);
      changed.push(property);
      if (property === "closedate") next.closedate = date();
      else if (property === "amount") next.amount = chance(0.1) ? null : String(int(1, 120) * 1000);
      else if (property === "manager_approved") next.manager_approved = "true";
      else if (property === "hubspot_owner_id") next.hubspot_owner_id = chance(0.2) ? null : String(int(200, 230));
      else next.hs_next_step = "Call back";
    }
    old.dealstage = fromStage ?? current;
    next.dealstage = current;
    const source = pick(["CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI_BULK_ACTION", "IMPORT", "WORKFLOW", "WORKFLOW", "INTEGRATION", "API"]);
    const userId = source === "WORKFLOW" || source === "IMPORT" || source === "INTEGRATION" ? null : chance(0.02) ? "9911" : String(int(100, 130));
    const ownerId = next.hubspot_owner_id ?? null;
    out.push({
      dealId: String(1000 + (i % 5000)),
      kind,
      pipelineId: chance(0.03) ? "777" : "default",
      fromPipelineId: kind === "created" ? null : "default",
      fromStage: kind === "scan" ? null : fromStage,
      toStage: current,
      changedProperties: kind === "scan" ? [] : changed,
      old: kind === "created" ? {} : old,
      new: next,
      ownerId,
      ownerTeamIds: [pick(["emea", "amer", "apac"])],
      actor: { userId, ownerId: userId === null ? null : String(Number(userId) + 100), teamIds: [], isDealOwner: chance(0.88), isManager: chance(0.15), changeSource: source, sourceId: userId === null ? null : `userId:${userId}` },
      associations: { contacts: chance(0.88) ? int(1, 3) : 0, companies: chance(0.9) ? 1 : 0, line_items: chance(0.85) ? int(1, 4) : 0 },
      occurredAt: STREAM_NOW,
    });
  }
  return out;
}

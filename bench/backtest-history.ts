// A deterministic recorded history for bench:backtest: deals walking HubSpot's default pipeline over twelve weeks —
// mostly one stage at a time, with skips, steps back, closes, and edits of amount, close date, next step and decision
// maker — each change as enforcement records it (judged_changes rows, src/enforcement/judged-change-codec.ts).
import { createRng } from "../sim/portal/rng";
import type { BuiltChange } from "../src/enforcement/build-change";
import { encodeJudgedChange } from "../src/enforcement/judged-change-codec";
import type { DealChange } from "../src/policy/index";
import type { JudgedChangeRow } from "../src/store/judged-changes";

const STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"];
const DAY = 86_400_000;
export const HISTORY_END = Date.UTC(2026, 5, 1, 12);
export const HISTORY_START = HISTORY_END - 84 * DAY;

/** `count` changes over deals of `perDeal` changes each, as judged_changes rows (deal by deal, oldest first). */
export function generateRecordedHistory(count: number, perDeal = 20, seed = 42): JudgedChangeRow[] {
  const rng = createRng(seed);
  const { chance, int, pick } = rng;
  const rows: JudgedChangeRow[] = [];
  for (let d = 0; rows.length < count; d++) {
    const dealId = String(500_000 + d);
    const owner = String(int(200, 230));
    let at = HISTORY_START + Math.floor(rng.next() * 40 * DAY);
    let stage = 0;
    let values: Record<string, string | null> = {
      dealname: `Deal ${d}`, amount: chance(0.7) ? String(int(1, 120) * 1000) : null, closedate: String(HISTORY_END + int(-10, 120) * DAY),
      dealstage: STAGES[0] ?? null, pipeline: "default", hubspot_owner_id: owner, hs_next_step: chance(0.5) ? "Call" : null,
      decision_maker: null, manager_approved: null, closed_lost_reason: null,
    };
    for (let i = 0; i < perDeal && rows.length < count; i++) {
      const old = values;
      const next = { ...values };
      const changed: string[] = [];
      let fromStage: string | null = null;
      const kind: DealChange["kind"] = i === 0 ? "created" : "updated";
      if (kind === "created") changed.push(...Object.keys(next).filter((k) => next[k] !== null));
      else if (stage < 5 && chance(0.5)) {
        fromStage = STAGES[stage] ?? null;
        const m = rng.next();
        stage = m < 0.75 ? stage + 1 : m < 0.83 ? Math.min(4, stage + 2) : m < 0.9 ? Math.max(0, stage - 1) : m < 0.96 ? 5 : 6;
        if (STAGES[stage] === fromStage) stage = Math.min(6, stage + 1);
        next.dealstage = STAGES[stage] ?? null;
        changed.push("dealstage");
        if (stage === 6 && chance(0.6)) next.closed_lost_reason = "Price";
      } else {
        const property = pick(["amount", "closedate", "hs_next_step", "decision_maker", "manager_approved"]);
        next[property] = property === "amount" ? (chance(0.1) ? null : String(int(1, 120) * 1000)) : property === "closedate" ? String(HISTORY_END + int(-20, 150) * DAY) : property === "manager_approved" ? "true" : "Pat";
        changed.push(property);
      }
      at += int(1, 72) * 3_600_000;
      const source = pick(["CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI", "CRM_UI_BULK_ACTION", "IMPORT", "WORKFLOW"]);
      const userId = source === "IMPORT" || source === "WORKFLOW" ? null : String(Number(owner) - 100);
      const change: DealChange = {
        dealId, kind, pipelineId: "default", fromPipelineId: "default", fromStage, toStage: next.dealstage ?? null, changedProperties: changed,
        old: kind === "created" ? Object.fromEntries(Object.keys(next).map((k) => [k, null])) : old, new: next, ownerId: owner, ownerTeamIds: ["emea"],
        actor: { userId, ownerId: userId === null ? null : owner, teamIds: ["emea"], isDealOwner: userId !== null, isManager: false, changeSource: source, sourceId: userId === null ? null : `userId:${userId}` },
        associations: { contacts: chance(0.9) ? 1 : 0, companies: chance(0.9) ? 1 : 0, line_items: stage >= 4 && chance(0.8) ? 2 : 0 },
        occurredAt: at,
      };
      const built: BuiltChange = { change, stageMoved: kind === "created" || fromStage !== null, fromEnteredAt: null, inboxHashes: [] };
      rows.push({ deal_id: dealId, portal_id: 1, change: encodeJudgedChange(built) });
      values = next;
    }
  }
  return rows;
}

// What a violation says about a change — the fields enforcement writes and the managers' view reads back, named
// once so the two sides of the `violations` table cannot drift apart.
import type { Violation } from "../policy";

/** The policy's verdict (policy, rule, severity, mode, message, missing) plus where and by whom it happened. */
export interface ViolationFacts extends Pick<Violation, "policyId" | "policyVersion" | "ruleId" | "severity" | "mode" | "message" | "missing"> {
  id: string;
  portalId: number;
  dealId: string;
  dealName: string | null;
  pipelineId: string | null;
  fromStage: string | null;
  toStage: string | null;
  fromStageLabel: string | null;
  toStageLabel: string | null;
  ownerId: string | null;
  teamId: string | null;
  actorUserId: string | null;
  changeSource: string | null;
}

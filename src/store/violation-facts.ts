// What a violation says about a change — the fields enforcement writes and the managers' view reads back, named
// once so the two sides of the `violations` table cannot drift apart.
import type { Mode, Severity } from "../policy";

export interface ViolationFacts {
  id: string;
  portalId: number;
  dealId: string;
  dealName: string | null;
  pipelineId: string | null;
  fromStage: string | null;
  toStage: string | null;
  fromStageLabel: string | null;
  toStageLabel: string | null;
  policyId: string;
  policyVersion: string;
  ruleId: string;
  severity: Severity;
  mode: Mode;
  message: string;
  missing: string[];
  ownerId: string | null;
  teamId: string | null;
  actorUserId: string | null;
  changeSource: string | null;
}

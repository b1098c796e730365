// The demo portal's own pipeline rules: for the live phase its admin has turned on HubSpot's "restrict skipping
// stages" for the open stages of the first pipeline (unless rules are already set, e.g. by `policies native apply`).
// Reps' skips in the UI are then refused before the save, while workflows still get through to the engine.
import type { Portal } from "../portal/portal";

export function enableDemoNativeRules(portal: Portal): void {
  const pipeline = portal.store.pipelines[0];
  if (pipeline === undefined || portal.native.rules.has(pipeline.id)) return;
  const ordered = [...pipeline.stages].sort((a, b) => a.displayOrder - b.displayOrder);
  const protectedIds = ordered.slice(1).filter((s) => !s.isClosed).map((s) => s.id);
  portal.native.rules.set(pipeline.id, {
    noSkippingStagesRule: { enabledForAllStages: false, pipelineStageIds: protectedIds },
    noBackwardsMovementRule: null,
    objectCreationRule: null,
    approvalStage: null,
  });
}

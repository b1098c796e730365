// The portal schema indexed for lookups: stages by pipeline with their display-order index and won/lost flags.
import type { PortalProperty, PortalSchema } from "./types";
import { usableTimeZone } from "./zoned-time";

export interface StageInfo {
  id: string;
  label: string;
  pipelineId: string;
  /** Position in the pipeline sorted by displayOrder, 0-based. */
  index: number;
  isClosed: boolean;
  isWon: boolean;
  isLost: boolean;
  probability: number | null;
}

export interface PipelineInfo {
  id: string;
  label: string;
  stages: Map<string, StageInfo>;
  ordered: StageInfo[];
}

export interface PortalIndex {
  pipelines: Map<string, PipelineInfo>;
  properties: Map<string, PortalProperty>;
  /** The zone days start in (the portal's, or UTC when unknown). */
  timeZone: string;
}

/** Builds the lookup index; stages are ordered by displayOrder (ties keep the snapshot's order). */
export function indexPortal(portal: PortalSchema): PortalIndex {
  const pipelines = new Map<string, PipelineInfo>();
  for (const pipeline of portal.pipelines) {
    const ordered = [...pipeline.stages]
      .map((s, i) => ({ s, i }))
      .sort((a, b) => a.s.displayOrder - b.s.displayOrder || a.i - b.i)
      .map(({ s }, index): StageInfo => ({
        id: s.id,
        label: s.label,
        pipelineId: pipeline.id,
        index,
        isClosed: s.isClosed,
        isWon: s.isClosed && s.probability !== null && s.probability >= 1,
        isLost: s.isClosed && (s.probability === null || s.probability <= 0),
        probability: s.probability,
      }));
    pipelines.set(pipeline.id, { id: pipeline.id, label: pipeline.label, stages: new Map(ordered.map((s) => [s.id, s])), ordered });
  }
  return { pipelines, properties: new Map(portal.properties.map((p) => [p.name, p])), timeZone: usableTimeZone(portal.timeZone) };
}

/** Finds a stage by id in the given pipeline, or in any pipeline when the pipeline is unknown. */
export function findStage(index: PortalIndex, pipelineId: string | null, stageId: string | null): StageInfo | null {
  if (stageId === null) return null;
  if (pipelineId !== null) {
    const hit = index.pipelines.get(pipelineId)?.stages.get(stageId);
    if (hit !== undefined) return hit;
  }
  for (const pipeline of index.pipelines.values()) {
    const hit = pipeline.stages.get(stageId);
    if (hit !== undefined) return hit;
  }
  return null;
}

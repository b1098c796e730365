// One deal's violations standing while its changes are judged in order: the open ones (resolved by a later change that
// complies, or by a stage entry no change of the batch stands for) and the ones an earlier run resolved after the
// batch's first change (they stood when the earlier changes happened). Pure: no HubSpot, no D1, no clock.
import { isMoveRule, recheckViolation, type CompiledPolicySet, type DealChange } from "../policy";
import type { Resolution } from "../store/violations";
import type { OpenViolation } from "./snapshot";
import { entryAsChange, type StageEntry } from "./stage-entries";

export interface OpenViolations {
  /** Resolves what `change` complies with (only move rules when `moveRulesOnly`); resolutions go to `resolutions`. */
  resolve(change: DealChange, by: string, event: string | null, moveRulesOnly?: boolean): void;
  /** Stage entries before `until` end move violations, in time order (each seen as a move from the previous entry). */
  catchUp(until: number, base: DealChange): void;
  /** The violations standing when a change happened at `at` (open, or resolved only later). */
  standingAt(at: number): OpenViolation[];
  /** A violation detected now stands open (once). */
  add(v: OpenViolation): void;
  resolutions: Resolution[];
}

/** A tracker over the deal's open violations, those resolved later, and its unseen stage entries. Never throws. */
export function trackOpenViolations(
  set: CompiledPolicySet,
  input: { open: readonly OpenViolation[]; resolvedLater?: ReadonlyArray<OpenViolation & { resolvedAt: number }>; entries: StageEntry[] },
): OpenViolations {
  const open = [...input.open];
  // Resolved after the batch's first change: they stood when the earlier changes happened (a move made then is judged
  // from their anchor) until a change of this batch complies again.
  const later = [...(input.resolvedLater ?? [])];
  const { entries } = input;
  const resolutions: Resolution[] = [];
  let nextEntry = 0;
  const skip = (v: OpenViolation, change: DealChange, moveRulesOnly: boolean) => v.occurredAt >= change.occurredAt || (moveRulesOnly && !isMoveRule(set, v));

  const resolve = (change: DealChange, by: string, event: string | null, moveRulesOnly = false) => {
    for (let i = later.length - 1; i >= 0; i--) {
      const v = later[i];
      if (v === undefined || skip(v, change, moveRulesOnly) || v.resolvedAt <= change.occurredAt) continue;
      if (recheckViolation(set, v, change, { now: change.occurredAt })) later.splice(i, 1);
    }
    for (let i = open.length - 1; i >= 0; i--) {
      const v = open[i];
      if (v === undefined || skip(v, change, moveRulesOnly)) continue;
      const ref = { policyId: v.policyId, ruleId: v.ruleId, toStage: v.toStage, fromStage: v.fromStage, fromPipelineId: v.fromPipelineId };
      if (recheckViolation(set, ref, change, { now: change.occurredAt })) {
        resolutions.push({ id: v.id, resolvedAt: Math.max(change.occurredAt, v.occurredAt), resolvedBy: by, resolvedByEvent: event });
        open.splice(i, 1);
      }
    }
  };
  return {
    resolve,
    catchUp(until, base) {
      for (; nextEntry < entries.length && (entries[nextEntry]?.at ?? Infinity) < until; nextEntry++) {
        const entry = entries[nextEntry];
        if (entry !== undefined) resolve(entryAsChange(base, entry, entries[nextEntry - 1]), entry.by, null, true);
      }
    },
    standingAt: (at) => [...open, ...later.filter((v) => v.occurredAt < at && v.resolvedAt > at)],
    add(v) {
      if (!open.some((o) => o.id === v.id)) open.push(v);
    },
    resolutions,
  };
}

// When a deal entered the stage it was in at a given moment, read from its dealstage property history — what a
// stale-deal rule counts `deal.daysInStage` from. HubSpot's own "Date entered" stage properties are not used: the
// legacy `hs_date_entered_<stage>` ones are being sunset, the `hs_v2_` ones aren't listed by the properties API and
// don't say which entry they keep when a deal re-enters a stage (docs/policies.md, "Days in stage"). Pure.
import type { HistoryEntry } from "../hubspot/deals";

/**
 * The time the deal entered `stageId`, as of `at`: the first of the consecutive history entries carrying it that end
 * with the latest entry at or before `at` (a save that rewrites the same stage doesn't restart the clock). null when
 * the history is absent or says the deal was in another stage then. Entries are oldest first.
 */
export function stageEnteredAt(entries: readonly HistoryEntry[] | undefined, stageId: string | null, at: number): number | null {
  if (entries === undefined || stageId === null) return null;
  let i = -1;
  for (let k = 0; k < entries.length && (entries[k]?.timestamp ?? Infinity) <= at; k++) i = k;
  if (i === -1 || entries[i]?.value !== stageId) return null;
  while (i > 0 && entries[i - 1]?.value === stageId) i--;
  return entries[i]?.timestamp ?? null;
}

// The scheduled scan's search: open deals (`hs_is_closed` = false) in hs_object_id order, one page of ids after a
// given id. Keyset paging (a new query from the last id each page) instead of `after` offsets, so a pass isn't cut off
// at HubSpot's 10,000-results-per-query cap. Returns ids and HubSpotError values; never throws.
import { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/deals/index.js";
import type { HubSpotClient } from "./client";
import { SEARCH_PAGE_LIMIT } from "./deals";
import { callSearch, type HubSpotError, type Result } from "./errors";

const BY_ID = { propertyName: "hs_object_id", direction: "ASCENDING" };

/** Up to `limit` (≤ 200) open deal ids greater than `afterId` ("" = from the start), ascending; `more` when HubSpot has more. */
export async function searchOpenDealIds(
  client: HubSpotClient,
  afterId: string,
  limit: number = SEARCH_PAGE_LIMIT,
): Promise<Result<{ ids: string[]; more: boolean }, HubSpotError>> {
  const filters = [{ propertyName: "hs_is_closed", operator: FilterOperatorEnum.Eq, value: "false" }];
  if (afterId !== "") filters.push({ propertyName: "hs_object_id", operator: FilterOperatorEnum.Gt, value: afterId });
  const answer = await callSearch(() =>
    client.deals.search.doSearch({
      filterGroups: [{ filters }],
      properties: ["hs_object_id"],
      // The SDK types `sorts` as strings but serialises the items as given (see searchModifiedDeals).
      sorts: [BY_ID as unknown as string],
      limit: Math.min(limit, SEARCH_PAGE_LIMIT),
      after: "0",
    }),
  );
  if (!answer.ok) return answer;
  const ids = answer.value.results.map((r) => String(r.id));
  return { ok: true, value: { ids, more: answer.value.paging?.next?.after !== undefined } };
}

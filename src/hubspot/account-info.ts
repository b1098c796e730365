// The portal's account details (GET /account-info/v3/details): its IANA time zone, which business days, "today" and
// HubSpot's daily-limit reset follow. fetch only (the SDK has no module for it); failures are HubSpotError values.
import { z } from "zod";
import type { HubSpotClient } from "./client";
import type { HubSpotError, Result } from "./errors";
import { sendHubSpotJson } from "./pipeline-rules";

const AccountDetailsSchema = z.object({ portalId: z.coerce.number().optional(), timeZone: z.string().min(1), utcOffset: z.string().optional() }).loose();

export interface AccountDetails {
  portalId: number | null;
  /** IANA name as HubSpot reports it (e.g. "US/Eastern", "Pacific/Auckland"). */
  timeZone: string;
}

/** Reads the account's details; never throws. */
export async function fetchAccountDetails(client: HubSpotClient): Promise<Result<AccountDetails, HubSpotError>> {
  const c = client.pipelineRules;
  const answer = await sendHubSpotJson(c, "GET", `${c.baseUrl.replace(/\/+$/, "")}/account-info/v3/details`, undefined, AccountDetailsSchema);
  if (!answer.ok) return answer;
  return { ok: true, value: { portalId: answer.value.portalId ?? null, timeZone: answer.value.timeZone } };
}

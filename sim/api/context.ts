// The Hono environment of CRM routes: the portal picked by bearer token, and the request's correlation id.
import type { Portal } from "../portal/portal";

/** `failInputs`: positions a scripted 207 fault makes a batch write fail (the others are applied). */
export type CrmEnv = { Variables: { portal: Portal; correlationId: string; failInputs?: number[] } };

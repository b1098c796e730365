// The Hono environment of CRM routes: the portal picked by bearer token, and the request's correlation id.
import type { Portal } from "../portal/portal";

export type CrmEnv = { Variables: { portal: Portal; correlationId: string } };

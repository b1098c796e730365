// Test support: raw CRM requests against a simulated portal, exactly as an HTTP client would make them.
import type { SimPortal } from "../client";

export interface CrmAnswer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the CRM API with the portal's bearer token (or `token` when given). Never throws on HTTP errors. */
export async function crm<T = Record<string, unknown>>(portal: SimPortal, method: string, path: string, body?: unknown, token?: string): Promise<CrmAnswer<T>> {
  const res = await fetch(`${portal.simUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token ?? portal.info.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text === "" ? null : JSON.parse(text)) as T, headers: res.headers };
}

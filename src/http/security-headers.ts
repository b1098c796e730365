// Security headers on every response the app sends, set in one place: nosniff everywhere; for HTML a strict CSP
// (own scripts and stylesheets only, no framing, no plugins), X-Frame-Options for older browsers, no caching.
// A route that sets one of these itself keeps its own value.
import type { MiddlewareHandler } from "hono";

/**
 * `style-src` keeps 'unsafe-inline' only for style attributes (bar widths): CSP3 browsers take `style-src-elem`
 * for <style>/<link> and allow own stylesheets only; older ones fall back to `style-src`. Scripts: own files only,
 * never inline.
 */
export const HTML_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "style-src-elem 'self'",
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

/** JSON, CSV and other non-HTML answers: nothing in them may ever run or be framed, even if opened as a page. */
export const NON_HTML_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

const HTML_HEADERS: Record<string, string> = {
  "content-security-policy": HTML_CSP,
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
  "cache-control": "no-store",
};

const OTHER_HEADERS: Record<string, string> = {
  "content-security-policy": NON_HTML_CSP,
  "referrer-policy": "same-origin",
};

/** Middleware for the whole app; runs after the route (and its error handler) has built the response. */
export function securityHeaders(): MiddlewareHandler {
  return async function setSecurityHeaders(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set("x-content-type-options", "nosniff");
    const isHtml = (headers.get("content-type") ?? "").toLowerCase().startsWith("text/html");
    for (const [name, value] of Object.entries(isHtml ? HTML_HEADERS : OTHER_HEADERS)) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
}

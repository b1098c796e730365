// Where sign-in may send the browser afterwards: a path on this site, nothing else. An open redirect would let a
// phishing link borrow our sign-in page; a CR/LF in a Location header would fail the response after the cookie.

export const DEFAULT_NEXT = "/dashboard";
const MAX_NEXT_LENGTH = 2048;
// Any fixed origin works: the path is resolved against it and must stay on it.
const THIS_SITE = "https://this-site.invalid";

/**
 * Returns `next` as a same-site path (pathname + query + fragment, percent-encoded ASCII, safe for a Location
 * header), or `/dashboard` when it is anything else: not a string, empty, too long, holding control characters
 * (CR, LF, NUL, tab…) or backslashes, not starting with exactly one "/", or resolving to another origin. Pure.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== "string" || next.length === 0 || next.length > MAX_NEXT_LENGTH) return DEFAULT_NEXT;
  // Browsers drop tab/CR/LF from URLs and read "\" as "/", so "/\t/evil.example" or "/\evil.example" would become
  // "//evil.example": refuse them outright rather than normalise.
  if (hasControlCharOrBackslash(next)) return DEFAULT_NEXT;
  if (!next.startsWith("/") || next.startsWith("//")) return DEFAULT_NEXT;
  let url: URL;
  try {
    url = new URL(next, THIS_SITE);
  } catch {
    return DEFAULT_NEXT; // unparseable: the safe answer is the default page
  }
  if (url.origin !== THIS_SITE) return DEFAULT_NEXT;
  return `${url.pathname}${url.search}${url.hash}`;
}

function hasControlCharOrBackslash(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return true;
  }
  return false;
}

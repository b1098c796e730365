// The managers' dashboard under /dashboard: server-rendered pages (Hono JSX), session sign-in/out, static assets.
// Every page but sign-in and the assets needs a live session; pages only call store/ read functions.
import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError, statusOf } from "../../errors";
import { findTokenByHash, insertSession, revokeSession } from "../../store/tokens";
import { authenticateSession, SESSION_COOKIE, SESSION_TTL_MS, type AuthEnv } from "../auth";
import { safeNextPath } from "../auth/safe-next";
import { generateSecret, hashSecret } from "../auth/secrets";
import { APP_CSS, CHART_JS } from "./assets";
import { ErrorPage, LoginPage } from "./login-page";
import { overviewPage } from "./overview-page";
import { policiesPage } from "./policies-page";
import { policyPage } from "./policy-page";
import { coachingPage } from "./coaching-page";
import { failuresPage } from "./failures-page";
import { backtestPage, backtestUpload } from "./backtest-page";
import { repPage } from "./rep-page";
import { REVIEW_CSS } from "./review-parts";
import { reviewPage } from "./review-page";
import { violationPage } from "./violation-page";
import { violationsCsv, violationsPage } from "./violations-page";

/** Only same-origin form posts are accepted (a second line of defence next to SameSite cookies). */
function isSameOrigin(requestUrl: string, origin: string | undefined): boolean {
  return origin === undefined || origin === new URL(requestUrl).origin;
}

export function dashboardRoutes(): Hono<AuthEnv> {
  const d = new Hono<AuthEnv>();
  d.get("/assets/app.css", (c) => c.body(APP_CSS + REVIEW_CSS, 200, { "content-type": "text/css; charset=utf-8", "cache-control": "public, max-age=3600" }));
  d.get("/assets/chart.js", (c) => c.body(CHART_JS, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=3600" }));
  d.get("/login", (c) => c.html(<LoginPage next={safeNextPath(c.req.query("next"))} />));
  d.post("/login", async (c) => {
    if (!isSameOrigin(c.req.url, c.req.header("origin"))) throw new AppError("FORBIDDEN", "cross-site sign-in refused");
    // A body that isn't a form is the client's mistake: 400, never the 500 page.
    const form = await c.req.parseBody().catch(() => {
      throw new AppError("BAD_REQUEST", "the sign-in form could not be read");
    });
    const token = typeof form.token === "string" ? form.token.trim() : "";
    const now = Date.now();
    const found = token ? await findTokenByHash(c.env.DB, await hashSecret(token), now) : ({ ok: false, error: "unknown" } as const);
    if (!found.ok) {
      const why = { unknown: "That token was not recognised.", expired: "That token has expired.", revoked: "That token was revoked." }[found.error];
      return c.html(<LoginPage message={why} next={safeNextPath(form.next)} />, 401);
    }
    const secret = generateSecret("dgs_");
    const expiresAt = Math.min(now + SESSION_TTL_MS, found.value.expiresAt ?? Number.MAX_SAFE_INTEGER);
    await insertSession(c.env.DB, { idHash: await hashSecret(secret), tokenId: found.value.id, createdAt: now, expiresAt });
    setCookie(c, SESSION_COOKIE, secret, { httpOnly: true, secure: true, sameSite: "Lax", path: "/", maxAge: Math.floor((expiresAt - now) / 1000) });
    return c.redirect(safeNextPath(form.next), 303);
  });
  d.post("/logout", async (c) => {
    if (!isSameOrigin(c.req.url, c.req.header("origin"))) throw new AppError("FORBIDDEN", "cross-site sign-out refused");
    const cookie = getCookie(c, SESSION_COOKIE);
    if (cookie) await revokeSession(c.env.DB, await hashSecret(cookie), Date.now());
    deleteCookie(c, SESSION_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
    return c.redirect("/dashboard/login", 303);
  });
  d.use("*", async function sessionAuth(c, next) {
    c.set("principal", await authenticateSession(c, Date.now()));
    await next();
  });
  d.get("/", overviewPage);
  d.get("/violations", violationsPage);
  d.get("/violations.csv", violationsCsv);
  d.get("/violations/:id", violationPage);
  d.get("/reps/:ownerId", repPage);
  d.get("/reps/:ownerId/coaching", coachingPage);
  d.get("/review", reviewPage);
  d.get("/policies", policiesPage);
  d.get("/policies/:policyId", policyPage);
  d.get("/admin/failures", failuresPage);
  d.get("/admin/backtest", backtestPage);
  d.post("/admin/backtest", async (c) => {
    if (!isSameOrigin(c.req.url, c.req.header("origin"))) throw new AppError("FORBIDDEN", "cross-site form post refused");
    return backtestUpload(c);
  });
  d.all("*", () => {
    throw new AppError("NOT_FOUND", "There is no such page.");
  });
  d.onError((err, c) => {
    if (!(err instanceof AppError)) {
      console.error("dashboard error", err);
      return c.html(<ErrorPage title="Something went wrong" message="The page could not be built. Try again; if it persists, check the Worker logs." principal={c.get("principal")} />, 500);
    }
    const status = statusOf(err.code);
    if (status === 401) {
      const url = new URL(c.req.url);
      return c.html(<LoginPage message={c.req.method === "GET" && !getCookie(c, SESSION_COOKIE) ? undefined : "Your session has ended. Sign in again."} next={safeNextPath(url.pathname + url.search)} />, 401);
    }
    const details = Array.isArray(err.details) ? (err.details as Array<{ field: string; message: string }>) : undefined;
    const title = status === 403 ? "Not allowed" : status === 404 ? "Not found" : "Check the filters";
    return c.html(<ErrorPage title={title} message={err.message} details={details} principal={c.get("principal")} />, status);
  });
  return d;
}

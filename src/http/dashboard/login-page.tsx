// The sign-in page (also the body of every 401) and the generic error page (403/400/404).
import type { Principal } from "../auth";
import { Layout } from "./layout";

export function LoginPage(props: { message?: string; next?: string }) {
  return (
    <Layout title="Sign in">
      <div class="login card">
        <h1>Sign in</h1>
        <p class="sub">Paste an API token (it starts with <code>dg_</code>). Ask an admin for one, or create it with <code>npm run tokens -- create</code>.</p>
        {props.message ? <div class="alert" role="alert">{props.message}</div> : null}
        <form method="post" action="/dashboard/login">
          <label for="token">Token</label>
          <input id="token" name="token" type="password" autocomplete="off" required autofocus />
          <input type="hidden" name="next" value={props.next ?? "/dashboard"} />
          <button type="submit" class="primary">Sign in</button>
        </form>
      </div>
    </Layout>
  );
}

export function ErrorPage(props: { title: string; message: string; principal?: Principal; details?: Array<{ field: string; message: string }> }) {
  return (
    <Layout title={props.title} principal={props.principal}>
      <div class="card">
        <h1>{props.title}</h1>
        <p>{props.message.charAt(0).toUpperCase() + props.message.slice(1)}</p>
        {props.details?.length ? (
          <ul>
            {props.details.map((d) => (
              <li>
                <code>{d.field}</code> {d.message}
              </li>
            ))}
          </ul>
        ) : null}
        <p>
          <a href="/dashboard">Back to the overview</a>
        </p>
      </div>
    </Layout>
  );
}

// /api/docs: the OpenAPI document rendered as plain HTML (no CDN, no script), plus a link to the JSON.
import { Layout } from "./dashboard/layout";

interface Op {
  summary?: string;
  description?: string;
  parameters?: Array<{ name: string; in: string; description?: string; required?: boolean; schema?: { enum?: string[] } }>;
  responses?: Record<string, { description?: string }>;
}

export function DocsPage(props: { doc: Record<string, unknown> }) {
  const doc = props.doc;
  const info = doc.info as { title: string; version: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Op>>;
  return (
      <Layout title="API" active="docs">
        <h1>{info.title}</h1>
        <p class="sub">Version {info.version} · <a href="/api/openapi.json">openapi.json</a></p>
        <p>{info.description}</p>
        {Object.entries(paths).flatMap(([path, ops]) =>
          Object.entries(ops).map(([method, op]) => (
            <div class="card" style="margin-bottom:16px" id={`${method}-${path}`}>
              <h2><code>{method.toUpperCase()} {path}</code></h2>
              <p>{op.summary}</p>
              {op.description ? <p class="muted">{op.description}</p> : null}
              {op.parameters?.length ? (
                <table>
                  <thead><tr><th>Parameter</th><th>In</th><th>Description</th></tr></thead>
                  <tbody>
                    {op.parameters.map((p) => (
                      <tr><td><code>{p.name}</code>{p.required ? " *" : ""}</td><td>{p.in}</td><td>{p.description}{p.schema?.enum ? ` (${p.schema.enum.join(" | ")})` : ""}</td></tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
              <p class="muted">Responses: {Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ""}`).join(" · ")}</p>
            </div>
          )),
        )}
      </Layout>
  );
}

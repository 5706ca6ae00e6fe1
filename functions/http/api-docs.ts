import { escapeHtml } from '#email/layout';
import { ok, text, type HttpResponse } from '#shared/http';
import { httpApi, route } from '#shared/middleware/http-api';
import { openApiDocument } from './openapi.ts';

/** The OpenAPI document and a readable page rendered from it (no external scripts). */
interface DocsEvent {
  headers?: Record<string, string | undefined>;
  requestContext?: { domainName?: string };
}

const serverUrlOf = (event: DocsEvent) => {
  const host = event.requestContext?.domainName ?? event.headers?.host;
  return host ? `${event.headers?.['x-forwarded-proto'] ?? 'https'}://${host}` : undefined;
};

const document = async (event: DocsEvent): Promise<HttpResponse> => ok(openApiDocument(serverUrlOf(event)));

interface OperationDoc {
  summary: string;
  tags: string[];
  security?: unknown[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { description: string }>;
}

const docsPage = async (event: DocsEvent): Promise<HttpResponse> => {
  const doc = openApiDocument(serverUrlOf(event)) as { info: { title: string; description: string }; paths: Record<string, Record<string, OperationDoc>>; components: { schemas: Record<string, unknown> } };
  const sections = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const params = op.parameters.map((p) => `<code>${escapeHtml(p.name)}</code> (${p.in}${p.required ? ', required' : ''})`).join(', ');
      const body = op.requestBody ? Object.entries(op.requestBody.content)[0] : undefined;
      const bodySchema = body ? `<details><summary>Body: ${escapeHtml(body[0])}</summary><pre>${escapeHtml(JSON.stringify(body[1].schema ?? {}, null, 2))}</pre></details>` : '';
      const responses = Object.entries(op.responses).map(([status, r]) => `${status} ${escapeHtml(r.description)}`).join(' · ');
      return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code>${op.security ? ' <small>public</small>' : ''}</h3><p>${escapeHtml(op.summary)}</p>${params ? `<p>Parameters: ${params}</p>` : ''}${bodySchema}<p class="r">${responses}</p></section>`;
    }),
  );
  const schemas = Object.entries(doc.components.schemas)
    .map(([id, schema]) => `<details><summary>${escapeHtml(id)}</summary><pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre></details>`)
    .join('');
  return text(
    200,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(doc.info.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:960px;margin:24px auto;padding:0 16px;line-height:1.45}section{border-top:1px solid #ddd;padding:6px 0}.m{display:inline-block;min-width:64px;font-weight:700}.r{color:#555;font-size:14px}pre{background:#f4f4f4;padding:8px;overflow:auto;font-size:12px}</style></head><body><h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description)}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1)</p>${sections.join('')}<h2>Schemas</h2>${schemas}</body></html>`,
    { 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'", 'cache-control': 'no-store' },
  );
};

export const handler = httpApi({ 'GET /openapi.json': route(document), 'GET /docs': route(docsPage) }, { signedIn: false });

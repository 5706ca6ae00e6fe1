import type { Download } from '#approvals/downloads';
import type { FormField, ReturnOffer, SubjectView } from '#approvals/subjects';
import { escapeHtml } from '#email/layout';
import type { HistoryEvent } from '#store/history';
import { text, type HttpResponse } from '#shared/http';

/**
 * The pages behind an approval link, small and self-contained for a phone: no
 * scripts, no external resources, nothing cached, no referrer (the link's token
 * must not leak to another site).
 */
const securityHeaders = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};

const style = `
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;padding:16px;color:#1d1d1f;background:#f6f7f9;line-height:1.45}
main{max-width:640px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 4px}.sub{color:#555;margin:0 0 16px}
table{width:100%;border-collapse:collapse;margin:12px 0}td{padding:6px 8px 6px 0;vertical-align:top;border-bottom:1px solid #eee}td:first-child{color:#555;width:38%}
form{margin:16px 0}label{display:block;font-weight:600;margin:8px 0 4px}textarea{width:100%;box-sizing:border-box;min-height:90px;font:inherit;padding:8px;border:1px solid #bbb;border-radius:8px}
button{font:inherit;font-weight:600;border:0;border-radius:8px;padding:14px 20px;width:100%;margin-top:8px;cursor:pointer}
.approve{background:#1a7f37;color:#fff}.deny{background:#b42318;color:#fff}.return{background:#8a5a00;color:#fff}select{width:100%;font:inherit;padding:8px;border-radius:8px}
.notice{padding:12px;border-radius:8px;margin:12px 0}.ok{background:#e8f5ec}.warn{background:#fff4e5}.err{background:#fdecea}
details{margin-top:16px}li{margin:4px 0;color:#333}
`;

const page = (status: number, title: string, body: string): HttpResponse =>
  text(
    status,
    'text/html; charset=utf-8',
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`,
    securityHeaders,
  );

const facts = (view: SubjectView) =>
  `<table>${view.facts.map(([label, value]) => `<tr><td>${escapeHtml(label)}</td><td>${escapeHtml(value)}</td></tr>`).join('')}</table>`;

const historyList = (history: readonly HistoryEvent[]) =>
  history.length === 0
    ? ''
    : `<details><summary>History (${history.length})</summary><ul>${history
        .map((event) => {
          const who = event.by.onBehalfOf ? `${event.by.name} for ${event.by.onBehalfOf.name}` : event.by.name;
          const move = event.from && event.to && event.from !== event.to ? ` (${event.from} → ${event.to})` : '';
          const why = event.reason ? `: ${event.reason}` : '';
          return `<li>${escapeHtml(`${event.at.slice(0, 16).replace('T', ' ')} UTC — ${event.action.replaceAll('-', ' ')}${move} by ${who}${why}`)}</li>`;
        })
        .join('')}</ul></details>`;

export interface ConfirmPage {
  approvalId: string;
  token: string;
  view: SubjectView;
  asWho: string;
  levelLabel: string;
  dueAt: string;
  history: readonly HistoryEvent[];
  /** Shown above the buttons after a refused attempt (e.g. the budget is short). */
  notice?: string;
  reason?: string;
  /** A third action that sends the subject back to the partner. */
  returnOffer?: ReturnOffer;
  downloads?: readonly Download[];
  /** Extra inputs of the Approve form. */
  approveFields?: readonly FormField[];
  /** A deny picks one of these reasons (otherwise it is written). */
  denyReasons?: readonly string[];
  /** Values already entered (shown again after a refusal). */
  entered?: Record<string, string>;
}

const fieldInput = (field: FormField, entered: Record<string, string> | undefined) => {
  const id = `f-${field.name}`;
  const value = entered?.[field.name] ?? '';
  const input = field.options
    ? `<select id="${id}" name="${escapeHtml(field.name)}"${field.required ? ' required' : ''}><option value="">Choose…</option>${field.options
        .map((option) => `<option value="${escapeHtml(option.value)}"${option.value === value ? ' selected' : ''}>${escapeHtml(option.label)}</option>`)
        .join('')}</select>`
    : `<input id="${id}" name="${escapeHtml(field.name)}" value="${escapeHtml(value)}"${field.required ? ' required' : ''} maxlength="300" style="width:100%;box-sizing:border-box;font:inherit;padding:8px;border:1px solid #bbb;border-radius:8px">`;
  return `<label for="${id}">${escapeHtml(field.label)}</label>${input}${field.help ? `<p class="sub" style="margin:4px 0 0">${escapeHtml(field.help)}</p>` : ''}`;
};

const denyInput = (reasons: readonly string[] | undefined, reason: string | undefined) =>
  reasons
    ? `<label for="reason">Reason for denying (the partner will read it)</label><select id="reason" name="reason" required><option value="">Choose…</option>${reasons
        .map((option) => `<option${option === reason ? ' selected' : ''}>${escapeHtml(option)}</option>`)
        .join('')}</select>`
    : `<label for="reason">Reason for denying (the partner will read it)</label><textarea id="reason" name="reason" required maxlength="2000">${escapeHtml(reason ?? '')}</textarea>`;

const downloadList = (downloads: readonly Download[] | undefined) =>
  downloads?.length
    ? `<h2 style="font-size:1rem">Files</h2><ul>${downloads
        .map((file) => `<li><a href="${escapeHtml(file.url)}" rel="noreferrer">${escapeHtml(file.label)}</a></li>`)
        .join('')}</ul>`
    : '';

const returnForm = (action: string, hidden: string, offer: ReturnOffer | undefined) => {
  if (!offer) return '';
  const field = offer.choices
    ? `<select id="return" name="reason" required><option value="">Choose…</option>${offer.choices
        .map((choice) => `<option value="${escapeHtml(choice.value)}">${escapeHtml(choice.label)}</option>`)
        .join('')}</select>`
    : '<textarea id="return" name="reason" required maxlength="2000"></textarea>';
  return `<form method="post" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="decision" value="return">
<label for="return">${escapeHtml(offer.prompt)}</label>${field}
<button class="return" type="submit">${escapeHtml(offer.label)}</button></form>`;
};

/** What is asked, with Approve and Deny (Deny needs a reason). Showing it changes nothing. */
export const confirmPage = (status: number, p: ConfirmPage): HttpResponse => {
  const action = `/approvals/${encodeURIComponent(p.approvalId)}`;
  const hidden = `<input type="hidden" name="t" value="${escapeHtml(p.token)}">`;
  return page(
    status,
    `Decide: ${p.view.title}`,
    `<h1>${escapeHtml(p.view.kindLabel)}: ${escapeHtml(p.view.title)}</h1>
<p class="sub">${escapeHtml(p.view.partnerName)} · you decide as ${escapeHtml(p.asWho)}, ${escapeHtml(p.levelLabel)} · due ${escapeHtml(p.dueAt.slice(0, 16).replace('T', ' '))} UTC</p>
${p.notice ? `<div class="notice err" role="alert">${escapeHtml(p.notice)}</div>` : ''}
${facts(p.view)}
${downloadList(p.downloads)}
<form method="post" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="decision" value="approve">
${(p.approveFields ?? []).map((field) => fieldInput(field, p.entered)).join('')}
<label for="note">Note (optional)</label><textarea id="note" name="reason" maxlength="2000"></textarea>
<button class="approve" type="submit">Approve</button></form>
<form method="post" action="${escapeHtml(action)}">${hidden}<input type="hidden" name="decision" value="deny">
${denyInput(p.denyReasons, p.reason)}
<button class="deny" type="submit">Deny</button></form>
${returnForm(action, hidden, p.returnOffer)}
${historyList(p.history)}`,
  );
};

const decidedTitles = { approve: 'Approved', deny: 'Denied', return: 'Sent back to the partner' } as const;

export const decidedPage = (decision: keyof typeof decidedTitles, view: SubjectView, outcome: string): HttpResponse =>
  page(
    200,
    decidedTitles[decision],
    `<h1>${decidedTitles[decision]}</h1><p class="sub">${escapeHtml(view.kindLabel)}: ${escapeHtml(view.title)} · ${escapeHtml(view.partnerName)}</p>
<div class="notice ok" role="status">${escapeHtml(outcome)}</div><p>You can close this page. The link will not decide again.</p>`,
  );

/** Someone already decided, or the level ended: who and when, nothing to press. */
export const closedPage = (status: number, message: string, view: SubjectView, history: readonly HistoryEvent[]): HttpResponse =>
  page(
    status,
    'Already decided',
    `<h1>Nothing left to decide</h1><p class="sub">${escapeHtml(view.kindLabel)}: ${escapeHtml(view.title)} · ${escapeHtml(view.partnerName)}</p>
<div class="notice warn" role="status">${escapeHtml(message)}</div>${facts(view)}${historyList(history)}`,
  );

/** Wrong, expired or tampered links all get this same page. */
export const notFoundPage = (): HttpResponse =>
  page(404, 'Link not valid', '<h1>This link is not valid</h1><p>It may have expired or been copied incompletely. Please use the most recent email you received.</p>');

export const badRequestPage = (message: string): HttpResponse =>
  page(400, 'Request not understood', `<h1>That did not work</h1><div class="notice err" role="alert">${escapeHtml(message)}</div><p>Please go back to the link in your email and try again.</p>`);

/** HEAD answers with the headers of the GET and no body. */
export const withoutBody = (response: HttpResponse): HttpResponse => ({ ...response, body: '' });

import { parse } from '@aws-lambda-powertools/parser';
import * as z from 'zod/mini';
import { decideFromLink, lookUpLink, type OpenLevel } from '#approvals/decide';
import type { Link } from '#store/approvals';
import { downloadsFor } from '#approvals/downloads';
import { decisions } from '#domain/approval';
import { roleTitles } from '#domain/people';
import type { HttpResponse } from '#shared/http';
import { problemOf } from '#shared/refusals';
import { httpApi, route } from '#shared/middleware/http-api';
import { badRequestPage, closedPage, confirmPage, decidedPage, notFoundPage, withoutBody } from './approval-pages.ts';

/**
 * The page behind an emailed approval link. GET and HEAD only show (mail scanners
 * and link previews change nothing); POST, from the page's form, decides once.
 * The link's token is the credential: wrong, expired or tampered tokens all get
 * the same plain 404 page.
 */
interface LinkEvent {
  pathParameters?: { id?: string };
  queryStringParameters?: { t?: string };
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
}

const DecisionForm = z.object({
  t: z.string().check(z.maxLength(200)),
  decision: z.enum(decisions, { error: 'choose one of the buttons' }),
  reason: z.optional(z.string().check(z.maxLength(4000))),
});

/** Fields of the form other than the token, the button and the reason: what the Approve form asked for. */
const detailsOf = (form: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(form).filter(([name, value]) => !['t', 'decision', 'reason'].includes(name) && value.length <= 300).slice(0, 20));

const openPage = async (
  status: number,
  lookup: OpenLevel & { link?: Link },
  token: string,
  notice?: string,
  reason?: string,
  entered?: Record<string, string>,
): Promise<HttpResponse> =>
  confirmPage(status, {
    approvalId: lookup.approval.id,
    token,
    view: lookup.view,
    asWho: `${roleTitles[lookup.approval.role]} (${lookup.approval.scope})${lookup.link?.onBehalfOf ? ` for ${lookup.link.onBehalfOf.name}` : ''}`,
    levelLabel: lookup.levelLabel,
    dueAt: lookup.approval.slaDueAt,
    history: lookup.history,
    downloads: await downloadsFor(lookup.approval.subjectKind, lookup.approval.subjectId, lookup.items),
    approveFields: lookup.approveFields,
    ...(lookup.denyReasons ? { denyReasons: lookup.denyReasons } : {}),
    ...(entered ? { entered } : {}),
    ...(lookup.returnOffer ? { returnOffer: lookup.returnOffer } : {}),
    ...(notice ? { notice } : {}),
    ...(reason ? { reason } : {}),
  });

const show = async (event: LinkEvent): Promise<HttpResponse> => {
  const token = event.queryStringParameters?.t ?? '';
  const lookup = await lookUpLink(event.pathParameters?.id ?? '', token);
  switch (lookup.kind) {
    case 'invalid':
      return notFoundPage();
    case 'closed':
      return closedPage(200, lookup.message, lookup.view, lookup.history);
    case 'open':
      return openPage(200, lookup, token);
  }
};

const formOf = (event: LinkEvent): Record<string, string> => {
  const raw = typeof event.body === 'string' ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  return Object.fromEntries(new URLSearchParams(raw));
};

const decide = async (event: LinkEvent): Promise<HttpResponse> => {
  const contentType = event.headers?.['content-type'] ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return badRequestPage('The decision must be sent from the page’s form.');
  const fields = formOf(event);
  const parsed = parse(fields, undefined, DecisionForm, true);
  if (!parsed.success) return badRequestPage('Choose one of the buttons on the page.');
  const form = parsed.data;
  const details = detailsOf(fields);
  const result = await decideFromLink(event.pathParameters?.id ?? '', form.t, { decision: form.decision, reason: form.reason, details });
  switch (result.kind) {
    case 'invalid':
      return notFoundPage();
    case 'closed':
      return closedPage(409, result.message, result.view, result.history);
    case 'refused':
      // A rule refused (422), or a state that does not allow it, like an opportunity already registered (409).
      return openPage(problemOf(result.refusal).status, result.lookup, form.t, result.refusal.message, form.decision === 'deny' ? form.reason : undefined, details);
    case 'decided':
      return decidedPage(result.decision, result.view, result.outcome);
  }
};

export const handler = httpApi(
  {
    'GET /approvals/{id}': route(show),
    'HEAD /approvals/{id}': route(async (event: LinkEvent) => withoutBody(await show(event))),
    'POST /approvals/{id}': route(decide),
  },
  { signedIn: false },
);

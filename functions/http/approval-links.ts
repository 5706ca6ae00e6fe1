import { parse } from '@aws-lambda-powertools/parser';
import * as z from 'zod/mini';
import { decideFromLink, lookUpLink, type LinkLookup } from '#approvals/decide';
import { downloadsFor } from '#approvals/downloads';
import { decisions } from '#domain/approval';
import { roleTitles } from '#domain/people';
import type { HttpResponse } from '#shared/http';
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

const openPage = async (status: number, lookup: Extract<LinkLookup, { kind: 'open' }>, token: string, notice?: string, reason?: string): Promise<HttpResponse> =>
  confirmPage(status, {
    approvalId: lookup.approval.id,
    token,
    view: lookup.view,
    asWho: `${roleTitles[lookup.approval.role]} (${lookup.approval.scope})${lookup.link.onBehalfOf ? ` for ${lookup.link.onBehalfOf.name}` : ''}`,
    levelLabel: lookup.levelLabel,
    dueAt: lookup.approval.slaDueAt,
    history: lookup.history,
    downloads: await downloadsFor(lookup.approval.subjectKind, lookup.approval.subjectId, lookup.items),
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
  const parsed = parse(formOf(event), undefined, DecisionForm, true);
  if (!parsed.success) return badRequestPage('Choose Approve or Deny on the page.');
  const form = parsed.data;
  const result = await decideFromLink(event.pathParameters?.id ?? '', form.t, form.decision, form.reason);
  switch (result.kind) {
    case 'invalid':
      return notFoundPage();
    case 'closed':
      return closedPage(409, result.message, result.view, result.history);
    case 'refused':
      return openPage(422, result.lookup, form.t, result.refusal.message, form.decision === 'deny' ? form.reason : undefined);
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

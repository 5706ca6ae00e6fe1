import * as z from 'zod/mini';
import { pageOf, problemSchema, idParam } from './schemas.ts';
import {
  AssignApprover,
  AssignmentParams,
  BudgetParams,
  CreateDelegation,
  CreatePartner,
  CreateUser,
  HolidayParams,
  ListQuery,
  ListUsersQuery,
  RegionParams,
  SetBudget,
  SetCalendar,
  SetHoliday,
  UpdatePartner,
  UpdateUser,
} from './admin.schemas.ts';
import { ClosedLost, ConvertLead, DenialReasons, Extension, ListRegistrationsQuery, RegistrationDecision, ResubmitRegistration, SubmitRegistration } from './deal-registrations.schemas.ts';
import { ListLoaQuery, LoaDecision, SubmitLoaRequest } from './loa-requests.schemas.ts';
import { AttachmentDeclaration, ClaimView, ListClaimsQuery, SubmitClaim } from './mdf-claims.schemas.ts';
import { CancelMdfRequest, ListMdfRequestsQuery, MdfRequestSummary, MdfRequestView, SubmitMdfRequest } from './mdf-requests.schemas.ts';
import { CampaignView, CreateCampaign, ListCampaignsQuery, UpdateCampaign } from './campaigns.schemas.ts';
import { ImportQuery, ImportRowsQuery, LeadImportView, ListImportsQuery } from './lead-imports.schemas.ts';
import { AssignLead, ChangeLeadStatus, HeldBackQuery, LeadView, ListLeadsQuery, RecallCountsQuery, RejectLead } from './leads.schemas.ts';
import { ListNfrLicencesQuery, ListNfrRequestsQuery, NfrDecision, RequestNfrLicence } from './nfr.schemas.ts';

/**
 * The OpenAPI 3.1 document, generated from the very zod schemas the handlers
 * validate with (JSON Schema 2020-12 is OpenAPI 3.1's dialect). Each documented
 * operation names its route key; a test checks they match the manifest's routes.
 */
interface Operation {
  summary: string;
  tag: string;
  auth: boolean;
  params?: z.ZodMiniObject;
  query?: z.ZodMiniObject;
  body?: z.ZodMiniType;
  /** Media type of the body, default JSON. */
  bodyType?: string;
  /** Status → response body schema (undefined: no body) or a media type with a description. */
  responses: Record<number, z.ZodMiniType | { description: string; mediaType?: string } | undefined>;
  idempotent?: boolean;
}

const okJson = (schema: z.ZodMiniType) => ({ 200: schema });
const anyObject = z.record(z.string(), z.unknown());
const htmlPage = (description: string) => ({ description, mediaType: 'text/html' });

export const operations: Record<string, Operation> = {
  'POST /mdf/requests': {
    summary: 'Submit an MDF request (partner user with mdfAdmin)',
    tag: 'MDF requests',
    auth: true,
    body: SubmitMdfRequest,
    responses: { 201: MdfRequestView, 400: problemSchema, 403: problemSchema, 422: problemSchema, 409: problemSchema },
    idempotent: true,
  },
  'GET /mdf/requests': {
    summary: "List your organisation's MDF requests, newest first",
    tag: 'MDF requests',
    auth: true,
    query: ListMdfRequestsQuery,
    responses: { ...okJson(pageOf(MdfRequestSummary)), 400: problemSchema },
  },
  'GET /mdf/requests/{id}': {
    summary: 'An MDF request with its approval progress and full history',
    tag: 'MDF requests',
    auth: true,
    params: idParam,
    responses: { ...okJson(MdfRequestView), 404: problemSchema },
  },
  'POST /mdf/requests/{id}/cancel': {
    summary: 'Cancel an Open or Approved request (CMM of its region)',
    tag: 'MDF requests',
    auth: true,
    params: idParam,
    body: CancelMdfRequest,
    responses: { ...okJson(MdfRequestView), 403: problemSchema, 404: problemSchema, 409: problemSchema },
  },
  'POST /mdf/requests/{id}/claims': {
    summary: 'Claim an Approved request back once its activity ended, declaring the files to upload (presigned uploads in the answer)',
    tag: 'MDF claims',
    auth: true,
    params: idParam,
    body: SubmitClaim,
    responses: { 201: ClaimView, 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /mdf/claims': {
    summary: "Your organisation's claims, newest first",
    tag: 'MDF claims',
    auth: true,
    query: ListClaimsQuery,
    responses: okJson(pageOf(anyObject)),
  },
  'GET /mdf/claims/{id}': {
    summary: 'A claim with its files (short-lived download links), reviews and history',
    tag: 'MDF claims',
    auth: true,
    params: idParam,
    responses: { ...okJson(ClaimView), 404: problemSchema },
  },
  'POST /mdf/claims/{id}/attachments': {
    summary: 'Add a file to an Open claim: a presigned upload held to the declared type and size (25 MB at most)',
    tag: 'MDF claims',
    auth: true,
    params: idParam,
    body: AttachmentDeclaration,
    responses: { 201: anyObject, 404: problemSchema, 409: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /mdf/budgets/{region}/{quarter}/ledger': {
    summary: "A budget's ledger (reserve, release, consume, adjust) with the request each entry belongs to; CSV with Accept: text/csv",
    tag: 'Budgets',
    auth: true,
    params: z.object({ region: z.string(), quarter: z.string() }),
    query: z.object({ limit: z.optional(z.number()), cursor: z.optional(z.string()) }),
    responses: { ...okJson(pageOf(anyObject)), 403: problemSchema },
  },
  'GET /mdf/summary': {
    summary: 'Your MDF dashboard: requests by status, approved, claimed and paid totals, claims awaiting action, next reminders',
    tag: 'MDF requests',
    auth: true,
    responses: { ...okJson(anyObject), 403: problemSchema },
  },
  'GET /mdf/budgets': {
    summary: 'Regional quarterly MDF budgets: total, reserved, consumed, available, flexi',
    tag: 'Budgets',
    auth: true,
    query: z.object({ region: z.optional(z.string()), quarter: z.optional(z.string()), limit: z.optional(z.number()), cursor: z.optional(z.string()) }),
    responses: { ...okJson(pageOf(anyObject)), 403: problemSchema },
  },
  'GET /approvals': {
    summary: "The signed-in approver's pending approvals, soonest due first",
    tag: 'Approvals',
    auth: true,
    query: ListQuery,
    responses: { ...okJson(pageOf(anyObject)), 403: problemSchema },
  },
  'GET /approvals/{id}': {
    summary: 'Confirm page behind an emailed link (changes nothing)',
    tag: 'Approvals',
    auth: false,
    params: z.object({ id: z.string() }),
    query: z.object({ t: z.string().check(z.describe('The link token from the email')) }),
    responses: { 200: htmlPage('What is asked, with Approve and Deny'), 404: htmlPage('Wrong, expired or tampered link') },
  },
  'HEAD /approvals/{id}': {
    summary: 'Headers of the confirm page (changes nothing)',
    tag: 'Approvals',
    auth: false,
    params: z.object({ id: z.string() }),
    query: z.object({ t: z.string() }),
    responses: { 200: undefined, 404: undefined },
  },
  'POST /approvals/{id}': {
    summary: 'Decide from the confirm page (form post): approve, or deny with a reason',
    tag: 'Approvals',
    auth: false,
    params: z.object({ id: z.string() }),
    body: z.object({ t: z.string(), decision: z.enum(['approve', 'deny', 'return']), reason: z.optional(z.string()) }),
    bodyType: 'application/x-www-form-urlencoded',
    responses: {
      200: htmlPage('Decided'),
      404: htmlPage('Wrong, expired or tampered link'),
      409: htmlPage('Already decided: by whom and when'),
      422: htmlPage('Refused (a deny without reason, a budget that is short): the page again with the reason'),
    },
  },
  'POST /admin/partners': { summary: 'Add a partner', tag: 'Administration', auth: true, body: CreatePartner, responses: { 201: anyObject, 400: problemSchema, 403: problemSchema }, idempotent: true },
  'GET /admin/partners': { summary: 'List partners by name', tag: 'Administration', auth: true, query: ListQuery, responses: okJson(pageOf(anyObject)) },
  'GET /admin/partners/{id}': { summary: 'A partner with its history', tag: 'Administration', auth: true, params: idParam, responses: { ...okJson(anyObject), 404: problemSchema } },
  'PATCH /admin/partners/{id}': {
    summary: 'Change a partner (status, track, trainings, Partner Contact, marketing-ready checklist)',
    tag: 'Administration',
    auth: true,
    params: idParam,
    body: UpdatePartner,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema },
  },
  'POST /admin/users': { summary: 'Add a partner or internal user', tag: 'Administration', auth: true, body: CreateUser, responses: { 201: anyObject, 409: problemSchema }, idempotent: true },
  'GET /admin/users': { summary: "List a partner's users (partnerId) or internal users", tag: 'Administration', auth: true, query: ListUsersQuery, responses: okJson(pageOf(anyObject)) },
  'GET /admin/users/{id}': { summary: 'A user', tag: 'Administration', auth: true, params: idParam, responses: { ...okJson(anyObject), 404: problemSchema } },
  'PATCH /admin/users/{id}': { summary: 'Change a user (privileges, roles, manager, active)', tag: 'Administration', auth: true, params: idParam, body: UpdateUser, responses: okJson(anyObject) },
  'PUT /admin/approvers/{role}/{region}': {
    summary: 'Assign the approver of a role in a region (or GLOBAL)',
    tag: 'Administration',
    auth: true,
    params: AssignmentParams,
    body: AssignApprover,
    responses: { ...okJson(anyObject), 422: problemSchema },
  },
  'GET /admin/approvers': { summary: 'Approver assignments', tag: 'Administration', auth: true, query: ListQuery, responses: okJson(pageOf(anyObject)) },
  'POST /delegations': {
    summary: 'Name a backup for a date range (your own, or anyone’s as administrator)',
    tag: 'Delegations',
    auth: true,
    body: CreateDelegation,
    responses: { 201: anyObject, 422: problemSchema },
    idempotent: true,
  },
  'GET /delegations': { summary: 'Delegations (yours; all for administrators)', tag: 'Delegations', auth: true, query: ListQuery, responses: okJson(pageOf(anyObject)) },
  'DELETE /delegations/{id}': { summary: 'Remove a delegation', tag: 'Delegations', auth: true, params: idParam, responses: { 204: undefined, 404: problemSchema } },
  'PUT /admin/budgets/{region}/{quarter}': {
    summary: "Set a region's quarterly MDF budget and target markets",
    tag: 'Administration',
    auth: true,
    params: BudgetParams,
    body: SetBudget,
    responses: { ...okJson(anyObject), 409: problemSchema, 422: problemSchema },
  },
  'PUT /admin/regions/{region}/calendar': { summary: "Set a region's time zone and working hours", tag: 'Administration', auth: true, params: RegionParams, body: SetCalendar, responses: okJson(anyObject) },
  'GET /admin/regions/{region}/calendar': { summary: "A region's calendar and holidays", tag: 'Administration', auth: true, params: RegionParams, responses: okJson(anyObject) },
  'PUT /admin/regions/{region}/holidays/{date}': { summary: 'Add a regional holiday', tag: 'Administration', auth: true, params: HolidayParams, body: SetHoliday, responses: okJson(anyObject) },
  'DELETE /admin/regions/{region}/holidays/{date}': { summary: 'Remove a regional holiday', tag: 'Administration', auth: true, params: HolidayParams, responses: { 204: undefined } },
  'POST /deal-registrations': {
    summary: 'Register an opportunity (partner user of an Authorized partner with a trained seller; an ESM for alliance and GSI partners)',
    tag: 'Deal registration',
    auth: true,
    body: SubmitRegistration,
    responses: { 201: anyObject, 400: problemSchema, 403: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /deal-registrations': {
    summary: "Registrations: a partner's (the organisation's with opportunityAdmin, otherwise your own); the program team's queue by status",
    tag: 'Deal registration',
    auth: true,
    query: ListRegistrationsQuery,
    responses: { ...okJson(pageOf(anyObject)), 400: problemSchema },
  },
  'GET /deal-registrations/{id}': {
    summary: 'A registration with its history, SLA due times and (for the program team) possible duplicates',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema },
  },
  'PUT /deal-registrations/{id}': {
    summary: 'Edit a Returned registration and resubmit it: the review starts again at operations',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    body: ResubmitRegistration,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'POST /deal-registrations/{id}/decision': {
    summary: 'Decide the pending review as its reviewer (or their backup): approve, deny with a listed reason, or return with comments',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    body: RegistrationDecision,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'POST /deal-registrations/{id}/extension': {
    summary: 'Extend an approved registration: standard +30 days once, or a later date set by operations',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    body: Extension,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'GET /opportunities/{id}': {
    summary: 'An opportunity with the registration holding it and all registrations linked to it',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema },
  },
  'POST /opportunities/{id}/closed-lost': {
    summary: 'Close an opportunity as lost: its approved and in-review registrations become Closed Lost and the partners are told',
    tag: 'Deal registration',
    auth: true,
    params: idParam,
    body: ClosedLost,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema },
  },
  'GET /admin/deal-registrations/denial-reasons': {
    summary: 'The reasons reviewers choose from when denying a registration',
    tag: 'Administration',
    auth: true,
    responses: okJson(DenialReasons),
  },
  'PUT /admin/deal-registrations/denial-reasons': {
    summary: 'Set the reasons reviewers choose from when denying a registration',
    tag: 'Administration',
    auth: true,
    body: DenialReasons,
    responses: { ...okJson(DenialReasons), 400: problemSchema },
  },
  'POST /campaigns': {
    summary: 'Add a campaign (marketing operations); the answer says whether it can carry partner leads, and why not',
    tag: 'Leads',
    auth: true,
    body: CreateCampaign,
    responses: { 201: CampaignView, 400: problemSchema, 403: problemSchema },
    idempotent: true,
  },
  'GET /campaigns': { summary: 'Campaigns by name, each saying whether it can carry partner leads', tag: 'Leads', auth: true, query: ListCampaignsQuery, responses: { ...okJson(pageOf(CampaignView)), 403: problemSchema } },
  'GET /campaigns/{id}': { summary: 'A campaign with its history', tag: 'Leads', auth: true, params: idParam, responses: { ...okJson(CampaignView), 404: problemSchema } },
  'PATCH /campaigns/{id}': {
    summary: 'Change a campaign (status, incl. Aborted; budget holder; channel partner name); leads already shared keep it as it was',
    tag: 'Leads',
    auth: true,
    params: idParam,
    body: UpdateCampaign,
    responses: { ...okJson(CampaignView), 404: problemSchema, 409: problemSchema },
  },
  'POST /leads/import': {
    summary:
      'Import up to 10,000 leads as a job: text/csv (header row, UTF-8, quoted fields; columns email, firstName, lastName, phone, company, title, country, campaignId, partnerAccountId, activelyWorked) or application/json ({"leads": [...]} with the same fields). 202 with the job; a bad file is 400 naming line and column; more than 10,000 leads is 422 before any work',
    tag: 'Leads',
    auth: true,
    query: ImportQuery,
    body: z.string().check(z.describe('The CSV file (or, as application/json, {"leads": [...]})')),
    bodyType: 'text/csv',
    responses: { 202: LeadImportView, 400: problemSchema, 403: problemSchema, 415: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /leads/imports': { summary: 'Lead imports, newest first', tag: 'Leads', auth: true, query: ListImportsQuery, responses: { ...okJson(pageOf(LeadImportView)), 403: problemSchema } },
  'GET /leads/imports/{id}': {
    summary: "An import's progress: counts (received, shared, held back, failed…), its history, and the rows not shared with their reasons and line numbers (paged)",
    tag: 'Leads',
    auth: true,
    params: idParam,
    query: ImportRowsQuery,
    responses: { ...okJson(LeadImportView), 404: problemSchema },
  },
  'GET /leads': {
    summary: "Leads you may see, newest first (opportunityAdmin: the organisation's; otherwise those assigned to you); marketing operations name the partner",
    tag: 'Leads',
    auth: true,
    query: ListLeadsQuery,
    responses: { ...okJson(pageOf(LeadView)), 400: problemSchema, 403: problemSchema },
  },
  'GET /leads/held-back': { summary: 'Leads held back, with every reason (marketing operations)', tag: 'Leads', auth: true, query: HeldBackQuery, responses: { ...okJson(pageOf(LeadView)), 403: problemSchema } },
  'GET /leads/recalls': {
    summary: 'Recalled leads counted per partner and campaign (marketing operations)',
    tag: 'Leads',
    auth: true,
    query: RecallCountsQuery,
    responses: { ...okJson(pageOf(anyObject)), 403: problemSchema },
  },
  'GET /leads/{id}': { summary: 'A lead with its history', tag: 'Leads', auth: true, params: idParam, responses: { ...okJson(LeadView), 404: problemSchema } },
  'POST /leads/{id}/accept': { summary: 'Accept a Pending lead', tag: 'Leads', auth: true, params: idParam, responses: { ...okJson(LeadView), 404: problemSchema, 409: problemSchema } },
  'POST /leads/{id}/reject': {
    summary: 'Reject a Pending lead, saying why',
    tag: 'Leads',
    auth: true,
    params: idParam,
    body: RejectLead,
    responses: { ...okJson(LeadView), 400: problemSchema, 404: problemSchema, 409: problemSchema },
  },
  'POST /leads/{id}/status': {
    summary: 'Move an accepted lead to its next status: Qualifying, then Qualified or Disqualified',
    tag: 'Leads',
    auth: true,
    params: idParam,
    body: ChangeLeadStatus,
    responses: { ...okJson(LeadView), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'POST /leads/{id}/assign': {
    summary: 'Give a lead to a user of your organisation (opportunityAdmin)',
    tag: 'Leads',
    auth: true,
    params: idParam,
    body: AssignLead,
    responses: { ...okJson(LeadView), 403: problemSchema, 404: problemSchema },
  },
  'POST /leads/{id}/convert': {
    summary: 'Convert an accepted lead into a deal registration: the customer comes from the lead (corrections allowed), the campaign and lead are carried; the lead becomes Converted to DR',
    tag: 'Leads',
    auth: true,
    params: idParam,
    body: ConvertLead,
    responses: { 201: anyObject, 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'POST /nfr-requests': {
    summary: 'Ask for NFR licences for your organisation (partner user of an Authorized partner); over the limit is refused naming the users that remain',
    tag: 'NFR licences',
    auth: true,
    body: RequestNfrLicence,
    responses: { 201: anyObject, 400: problemSchema, 403: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /nfr-requests': {
    summary: "NFR requests: your organisation's, newest first; the help desk's queue by status (Pending by default) or one partner's",
    tag: 'NFR licences',
    auth: true,
    query: ListNfrRequestsQuery,
    responses: { ...okJson(pageOf(anyObject)), 400: problemSchema, 403: problemSchema },
  },
  'GET /nfr-requests/{id}': {
    summary: 'An NFR request with its review and history',
    tag: 'NFR licences',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema },
  },
  'POST /nfr-requests/{id}/decision': {
    summary: 'The partner help desk approves (the licence is granted, the limit checked again) or denies with a reason',
    tag: 'NFR licences',
    auth: true,
    params: idParam,
    body: NfrDecision,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'GET /nfr-licences': {
    summary: "Your organisation's NFR licences with their keys, and the users in use against the limit (the help desk names the partner)",
    tag: 'NFR licences',
    auth: true,
    query: ListNfrLicencesQuery,
    responses: { ...okJson(anyObject), 400: problemSchema, 403: problemSchema },
  },
  'GET /nfr-licences/{id}': {
    summary: 'An NFR licence with its key',
    tag: 'NFR licences',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema },
  },
  'POST /loa-requests': {
    summary: 'Ask for a Letter of Authorization (any user of an Authorized partner); the letter shows exactly these details, which never change (a new request for changes)',
    tag: 'Letters of Authorization',
    auth: true,
    body: SubmitLoaRequest,
    responses: { 201: anyObject, 400: problemSchema, 403: problemSchema, 422: problemSchema },
    idempotent: true,
  },
  'GET /loa-requests': {
    summary: "Letters of Authorization: your organisation's, newest first, with status, letter date and expiry; the program team's queue by status, or one partner's",
    tag: 'Letters of Authorization',
    auth: true,
    query: ListLoaQuery,
    responses: { ...okJson(pageOf(anyObject)), 400: problemSchema, 403: problemSchema },
  },
  'GET /loa-requests/{id}': {
    summary: 'A request with its details, reviews, history, and once signed the letter date, validity and expiry',
    tag: 'Letters of Authorization',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema },
  },
  'POST /loa-requests/{id}/decision': {
    summary: 'Decide the pending level as its reviewer (or their backup): operations confirm, legal approves with initials, the PAO signs; or deny with a reason',
    tag: 'Letters of Authorization',
    auth: true,
    params: idParam,
    body: LoaDecision,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema, 422: problemSchema },
  },
  'GET /loa-requests/{id}/letter': {
    summary: 'The signed letter (your organisation only): a presigned download link valid for five minutes',
    tag: 'Letters of Authorization',
    auth: true,
    params: idParam,
    responses: { ...okJson(anyObject), 404: problemSchema, 409: problemSchema },
  },
  'GET /openapi.json': { summary: 'This document', tag: 'Documentation', auth: false, responses: { 200: anyObject } },
  'GET /docs': { summary: 'Human-readable documentation of the API', tag: 'Documentation', auth: false, responses: { 200: htmlPage('The docs page') } },
};

const jsonSchema = (schema: z.ZodMiniType): Record<string, unknown> => {
  const id = (z.globalRegistry.get(schema) as { id?: string } | undefined)?.id;
  if (id) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', reused: 'inline' }) as Record<string, unknown>;
  return rest;
};

const parametersOf = (schema: z.ZodMiniObject | undefined, where: 'path' | 'query') =>
  schema
    ? Object.entries(schema.shape).map(([name, field]) => ({
        name,
        in: where,
        required: where === 'path' || !(field as z.ZodMiniType).safeParse(undefined).success,
        schema: jsonSchema(field as z.ZodMiniType),
      }))
    : [];

const responseOf = (status: number, response: Operation['responses'][number]) => {
  if (response === undefined) return { description: status === 204 ? 'No content' : 'Headers only' };
  if ('~standard' in response) {
    const mediaType = status >= 400 ? 'application/problem+json' : 'application/json';
    return { description: status >= 400 ? 'Problem (RFC 9457)' : 'OK', content: { [mediaType]: { schema: jsonSchema(response) } } };
  }
  return { description: response.description, content: { [response.mediaType ?? 'application/json']: {} } };
};

let built: Record<string, unknown> | undefined;

export const openApiDocument = (serverUrl?: string): Record<string, unknown> => {
  built ??= build();
  return serverUrl ? { ...built, servers: [{ url: serverUrl }] } : built;
};

const build = (): Record<string, unknown> => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [routeKey, operation] of Object.entries(operations)) {
    const [method, path] = routeKey.split(' ') as [string, string];
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      summary: operation.summary,
      tags: [operation.tag],
      operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[/-]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(operation.auth ? {} : { security: [] }),
      parameters: [
        ...parametersOf(operation.params, 'path'),
        ...parametersOf(operation.query, 'query'),
        ...(operation.idempotent
          ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'Same key and body → the first answer; same key, other body → 422' }]
          : []),
      ],
      ...(operation.body
        ? { requestBody: { required: true, content: { [operation.bodyType ?? 'application/json']: { schema: jsonSchema(operation.body) } } } }
        : {}),
      responses: Object.fromEntries(Object.entries(operation.responses).map(([status, response]) => [status, responseOf(Number(status), response)])),
    };
  }
  const components = z.toJSONSchema(z.globalRegistry, { io: 'input', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Channel partner program API',
      version: '1.0.0',
      description:
        'MDF requests and their email approvals, program administration. Errors are application/problem+json (RFC 9457): 400 names each field, 422 names the rule.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    security: [{ cognito: [] }],
    paths,
    components: {
      securitySchemes: { cognito: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID token' } },
      schemas: Object.fromEntries(
        Object.entries(components.schemas).map(([id, schema]) => {
          const { $schema: _dialect, $id: _id, ...rest } = schema;
          return [id, rest];
        }),
      ),
    },
  };
};

import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/**
 * Helpers that use the running local stack as people do: a partner calls the API
 * with their token, an approver reads the captured email and follows its link,
 * the program team moves the clock. Nothing here reaches into the database.
 */
const stack = () => inject('stack');

export const apiUrl = () => stack().urls.api;

export const tokenOf = (email: string): string => {
  const seeded = stack().tokens.find((token) => token.email === email);
  if (!seeded) throw new Error(`No seeded token for ${email}`);
  return seeded.token;
};

export const people = {
  alice: 'alice@acme.example', // Acme (EMEA), mdfAdmin, marketing-ready
  bob: 'bob@acme.example', // Acme, no mdfAdmin
  gina: 'gina@globex.example', // Globex (AMER, global), mdfAdmin
  ivan: 'ivan@initech.example', // Initech, not marketing-ready
  uma: 'uma@umbrella.example', // Umbrella, Prospect
  cmmEmea: 'cmm.emea@channel.example',
  leadEmea: 'lead.emea@channel.example',
  ppmEmea: 'ppm.emea@channel.example',
  cmmAmer: 'cmm.amer@channel.example',
  director: 'director@channel.example',
  admin: 'admin@channel.example',
  marketingOps: 'marketing.ops@channel.example', // imports leads, maintains campaigns
  lena: 'leads@acme.example', // Acme's Partner Contact, opportunityAdmin
} as const;

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const call = async <T = any>(
  method: string,
  path: string,
  options: { as?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.as) headers.authorization = `Bearer ${tokenOf(options.as)}`;
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${apiUrl()}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined ? { body: options.rawBody } : options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // HTML or empty
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
};

// ---- time ----

export const now = async (): Promise<Date> => new Date((await call<{ now: string }>('GET', '/_local/clock')).body.now);

/** Moves the stack's clock forward by an ISO 8601 duration (e.g. `P3D`) and runs the sweep. */
export const advanceClock = async (duration: string) => (await call('POST', '/_local/clock', { body: { advance: duration } })).body;

export const runSweep = async () => (await call('POST', '/_local/sweep')).body;

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);
export const addDays = (date: Date, days: number) => new Date(date.getTime() + days * 86_400_000);
export const quarterOf = (day: string) => `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;

// ---- budgets ----

export const targetMarkets: Record<string, string[]> = {
  AMER: ['BR', 'CA', 'MX', 'US'],
  EMEA: ['CH', 'DE', 'FR', 'GB', 'IE', 'NL', 'SE'],
  APAC: ['AU', 'IN', 'JP', 'KR', 'SG'],
};

/** Makes sure the region has at least `totalCents` for the quarter (the admin sets it). */
export const ensureBudget = async (region: string, quarter: string, totalCents = 1_000_000_000, markets = targetMarkets[region] ?? []) => {
  const current = await call<{ items: { totalCents: number }[] }>('GET', `/mdf/budgets?region=${region}&quarter=${quarter}`, { as: people.admin });
  const existing = current.body.items[0];
  if (existing && existing.totalCents >= totalCents) return existing;
  const set = await call('PUT', `/admin/budgets/${region}/${quarter}`, { as: people.admin, body: { totalCents, targetMarkets: markets } });
  if (set.status !== 200) throw new Error(`Could not set the budget: ${set.status} ${set.text}`);
  return set.body;
};

// ---- MDF requests ----

export const uniqueName = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

export interface RequestOptions {
  startInDays?: number;
  country?: string;
  amountRequestedCents?: number;
  totalCostCents?: number;
  name?: string;
}

/** A valid request body starting `startInDays` after the stack's today. */
export const requestBody = async (options: RequestOptions = {}) => {
  const today = await now();
  const start = isoDay(addDays(today, options.startInDays ?? 30));
  const amount = options.amountRequestedCents ?? 500_000;
  const total = options.totalCostCents ?? amount * 2;
  return {
    activityName: options.name ?? uniqueName('DevOps Summit'),
    activityType: 'tradeshow',
    delivery: 'in-person',
    description: 'Booth and a joint talk on platform engineering.',
    startDate: start,
    endDate: isoDay(addDays(new Date(`${start}T00:00:00Z`), 1)),
    totalCostCents: total,
    targetContacts: 250,
    estimatedPipelineCents: 20_000_000,
    partnerInvestmentCents: total - amount,
    amountRequestedCents: amount,
    verticalIndustry: 'Financial services',
    segment: 'Enterprise',
    activityCountry: options.country ?? 'DE',
  };
};

/** Submits a request as `who` after making sure its region's budget exists; returns the created request. */
export const submitRequest = async (who: string = people.alice, options: RequestOptions & { region?: string } = {}) => {
  const body = await requestBody(options);
  await ensureBudget(options.region ?? 'EMEA', quarterOf(body.startDate));
  const response = await call('POST', '/mdf/requests', { as: who, body });
  if (response.status !== 201) throw new Error(`Submission failed: ${response.status} ${response.text}`);
  return response.body as { id: string; activityName: string; status: string; [field: string]: unknown };
};

export const readRequest = async (id: string, who: string = people.alice) => (await call('GET', `/mdf/requests/${id}`, { as: who })).body;

/** Waits until the request reaches `status` (the workflow runs asynchronously). */
export const waitForStatus = async (id: string, status: string, who: string = people.alice) =>
  eventually(async () => {
    const request = await readRequest(id, who);
    if (request.status !== status) throw new Error(`Request ${id} is ${request.status}, not ${status}`);
    return request;
  });

// ---- emails ----

export interface CapturedEmail {
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

export const allEmails = async (): Promise<CapturedEmail[]> =>
  ((await (await fetch(`${stack().urls.emails}/store`)).json()) as { emails: CapturedEmail[] }).emails;

export const emailsTo = async (to: string, about: string): Promise<CapturedEmail[]> =>
  (await allEmails()).filter((email) => email.destination.to.includes(to) && email.subject.includes(about));

/** Waits for the `count`-th email to `to` whose subject mentions `about` (e.g. the activity name). */
export const waitForEmail = (to: string, about: string, count = 1): Promise<CapturedEmail> =>
  eventually(async () => {
    const found = await emailsTo(to, about);
    if (found.length < count) throw new Error(`No email #${count} to ${to} about "${about}" yet (${found.length} so far)`);
    return found[count - 1] as CapturedEmail;
  });

/** The approval link in an email, as a person would copy it from the text. */
export const linkIn = (email: CapturedEmail): URL => {
  const match = /(https?:\/\/\S+\/approvals\/\S+\?t=[A-Za-z0-9_-]+)/.exec(email.body.text ?? '');
  if (!match?.[1]) throw new Error(`No approval link in "${email.subject}"`);
  return new URL(match[1]);
};

/** What the confirm page's form posts. */
export const postDecision = async (link: URL, decision: 'approve' | 'deny' | 'return', reason?: string) => {
  const response = await fetch(`${link.origin}${link.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: link.searchParams.get('t') ?? '', decision, ...(reason ? { reason } : {}) }),
  });
  return { status: response.status, html: await response.text() };
};

/** The notice on a result page (what the approver reads after pressing a button). */
export const noticeOf = (html: string) => /<div class="notice[^"]*"[^>]*>([^<]*)<\/div>/.exec(html)?.[1]?.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** Reads the newest email to `approver` about `about`, and decides on its link. */
export const decideByEmail = async (approver: string, about: string, decision: 'approve' | 'deny' | 'return', reason?: string, count = 1) => {
  const email = await waitForEmail(approver, about, count);
  return postDecision(linkIn(email), decision, reason);
};

export const eventually = async <T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw lastError;
};

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
  /** Files sent with the email (SendRawEmail), base64 content as the capture stores them. */
  attachments?: { filename?: string; contentType: string; content: string }[];
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

// ---- deal registrations ----

/** The EMEA reviewers of deal registrations (seeded). */
export const reviewers = {
  ops: 'ops.emea@channel.example',
  esm: 'esm.emea@channel.example',
  asm: 'asm.emea@channel.example',
  opsAmer: 'ops.amer@channel.example',
  esmAmer: 'esm.amer@channel.example',
} as const;

export const DAY_MS = 86_400_000;

const signedIn = new Map<string, string>();
/** A sign-in token for any user, seeded or added by a test (the seeded list names only some). */
export const signIn = async (email: string): Promise<string> => {
  const known = signedIn.get(email);
  if (known) return known;
  const answer = await call<{ token: string }>('POST', '/_local/token', { body: { email } });
  if (answer.status !== 200) throw new Error(`No user ${email}`);
  signedIn.set(email, answer.body.token);
  return answer.body.token;
};

export const callAs = async (email: string, method: string, path: string, body?: unknown) =>
  call(method, path, { headers: { authorization: `Bearer ${await signIn(email)}` }, ...(body !== undefined ? { body } : {}) });

/** Moves the clock to an instant (which runs the sweep); the clock only moves forward. */
export const moveClockTo = async (instant: string | number) => {
  const answer = await call('POST', '/_local/clock', { body: { to: new Date(instant).toISOString() } });
  if (answer.status !== 200) throw new Error(`The clock did not move: ${answer.status} ${answer.text}`);
};

/** A valid registration of `company`, closing 120 days after the stack's today. */
export const registrationBody = async (company: string, options: { domain?: string; country?: string; type?: string } = {}) => ({
  type: options.type ?? 'Resale',
  customer: {
    companyName: company,
    contactName: 'Petra Buyer',
    contactEmail: `petra@${options.domain ?? `${company.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example`}`,
    country: options.country ?? 'DE',
  },
  products: ['GitLab Ultimate', 'GitLab Duo Pro'],
  estimatedValueCents: 12_000_000,
  expectedCloseDate: isoDay(addDays(await now(), 120)),
  description: 'Platform consolidation: 400 seats moving from three tools.',
});

export type Registration = Record<string, any> & { id: string; status: string };

export const register = async (who: string, company: string, options: Parameters<typeof registrationBody>[1] & { partnerId?: string } = {}) => {
  const body = { ...(await registrationBody(company, options)), ...(options.partnerId ? { partnerId: options.partnerId } : {}) };
  const answer = await callAs(who, 'POST', '/deal-registrations', body);
  if (answer.status !== 201) throw new Error(`Registration refused: ${answer.status} ${answer.text}`);
  return answer.body as Registration;
};

export const readRegistration = async (id: string, who: string = reviewers.ops) => (await callAs(who, 'GET', `/deal-registrations/${id}`)).body as Registration;

export const waitForRegistration = (id: string, status: string, who: string = reviewers.ops) =>
  eventually(async () => {
    const registration = await readRegistration(id, who);
    if (registration.status !== status) throw new Error(`Registration ${id} is ${registration.status}, not ${status}`);
    return registration;
  });

/** A reviewer's email names the registration as `"<customer> (<type>)"`. */
export const reviewOf = (company: string) => `"${company} (`;
/** The partner's emails: `<what>: deal registration for <customer>`. */
export const toPartner = (what: string, company: string) => `${what}: deal registration for ${company}`;

/** What a confirm page's form posts, with the Approve form's extra fields. */
export const postForm = async (link: URL, fields: Record<string, string>) => {
  const response = await fetch(`${link.origin}${link.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: link.searchParams.get('t') ?? '', ...fields }),
  });
  return { status: response.status, html: await response.text() };
};

const unescape = (html: string) => html.replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&amp;', '&');

/** The choices of a page's `<select name="…">`. */
export const optionsOf = (html: string, name: string): { value: string; label: string }[] => {
  const select = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '';
  return [...select.matchAll(/<option(?: value="([^"]*)")?[^>]*>([^<]*)<\/option>/g)]
    .map((match) => ({ value: unescape(match[1] ?? match[2] ?? ''), label: unescape(match[2] ?? '') }))
    .filter((option) => option.value !== '');
};

/** The link in `to`'s email about the registration's review `level` (the link's address names the registration). */
export const linkFor = (to: string, registrationId: string, level: string): Promise<URL> =>
  eventually(async () => {
    const links = (await emailsTo(to, 'deal registration')).filter((email) => email.body.text?.includes('/approvals/')).map(linkIn);
    const link = links.find((candidate) => candidate.pathname.includes(`/approvals/${registrationId}.${level}.`));
    if (!link) throw new Error(`No ${level} link for ${registrationId} to ${to} yet`);
    return link;
  });

/** Operations open their (`count`-th) email's link and approve, linking or creating the account and opportunity and naming the ESM. */
export const reviewAsOperations = async (company: string, choice: { account?: string; opportunity?: string; esm?: string } = {}, count = 1) =>
  postForm(linkIn(await waitForEmail(reviewers.ops, reviewOf(company), count)), {
    decision: 'approve',
    account: choice.account ?? 'new',
    opportunity: choice.opportunity ?? 'new',
    esm: choice.esm ?? 'usr_esm_emea',
  });

/** A reviewer decides on the link of their (`count`-th) email about the registration. */
export const decideOnLink = async (who: string, company: string, decision: 'approve' | 'deny' | 'return', reason?: string, count = 1) =>
  postForm(linkIn(await waitForEmail(who, reviewOf(company), count)), { decision, ...(reason ? { reason } : {}) });

/** Operations, the ESM and the ASM approve from their emails; returns the Approved registration. */
export const approveRegistration = async (registration: Registration, choice: Parameters<typeof reviewAsOperations>[1] = {}) => {
  const company = String(registration.customer.companyName);
  for (const step of [() => reviewAsOperations(company, choice), () => decideOnLink(reviewers.esm, company, 'approve'), () => decideOnLink(reviewers.asm, company, 'approve')]) {
    const page = await step();
    if (page.status !== 200) throw new Error(`A review of ${registration.id} was refused: ${page.status} ${noticeOf(page.html)}`);
  }
  return waitForRegistration(registration.id, 'Approved');
};

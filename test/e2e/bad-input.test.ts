import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiUrl, call, people, requestBody, submitRequest, tokenOf, waitForEmail, linkIn } from './support.ts';

/**
 * Whatever a client sends, the answer is a clear 4xx problem, never a 5xx. The
 * bodies are generated (fast-check) so that each is wrong in at least one way:
 * random JSON, a valid request with one field broken, removed or added, or text
 * that is not JSON at all.
 */
const fields = [
  'activityName', 'activityType', 'delivery', 'description', 'startDate', 'endDate', 'totalCostCents', 'targetContacts',
  'estimatedPipelineCents', 'partnerInvestmentCents', 'amountRequestedCents', 'verticalIndustry', 'segment', 'activityCountry',
] as const;

const wrongValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.double({ noNaN: false }),
  fc.integer({ min: -1_000_000_000_000, max: -1 }),
  fc.constant(Number.MAX_SAFE_INTEGER * 4),
  fc.string({ maxLength: 50 }),
  fc.string({ minLength: 5001, maxLength: 6000 }),
  fc.constantFrom('2026-02-30', '2026-13-01', '26-1-1', 'tomorrow', 'XX', 'de', '<script>alert(1)</script>', '{"$ne":null}'),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
);

type Mutation = { kind: 'broken'; field: (typeof fields)[number]; value: unknown } | { kind: 'missing'; field: (typeof fields)[number] } | { kind: 'extra'; name: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('broken' as const), field: fc.constantFrom(...fields), value: wrongValue }),
  fc.record({ kind: fc.constant('missing' as const), field: fc.constantFrom(...fields) }),
  fc.record({
    kind: fc.constant('extra' as const),
    name: fc.constantFrom('partnerId', 'status', 'approvedAmountCents', '__proto__', 'constructor', 'region', 'x'),
    value: fc.jsonValue(),
  }),
);

/** A wrong value is still valid when it happens to fit the field (e.g. a string for a text field): keep only values that cannot. */
const surelyWrong = (m: Mutation): boolean => {
  if (m.kind !== 'broken') return true;
  const textFields = ['activityName', 'description', 'verticalIndustry', 'segment'];
  if (textFields.includes(m.field) && typeof m.value === 'string' && m.value.trim().length > 0 && m.value.length <= 200) return false;
  return true;
};

const send = async (body: string) => {
  const response = await fetch(`${apiUrl()}/mdf/requests`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokenOf(people.alice)}`, 'content-type': 'application/json' },
    body,
  });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

const inBatches = async <T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> => {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
};

describe('bad input never crashes the API', () => {
  it('1,200 generated bad request bodies all get a 4xx problem+json, none a 5xx', async () => {
    // Prepare
    const valid = await requestBody();
    const mutated = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 3 }).filter((ms) => ms.every(surelyWrong)), { numRuns: 800, seed: 20261125 }).map((ms) => {
      const body: Record<string, unknown> = { ...valid };
      for (const m of ms) {
        if (m.kind === 'broken') body[m.field] = m.value;
        else if (m.kind === 'missing') delete body[m.field];
        else Object.defineProperty(body, m.name, { value: m.value, enumerable: true, configurable: true, writable: true });
      }
      return JSON.stringify(body);
    });
    const randomJson = fc.sample(fc.jsonValue(), { numRuns: 250, seed: 7 }).map((value) => JSON.stringify(value) ?? 'null');
    const notJson = fc.sample(fc.string({ maxLength: 200 }), { numRuns: 150, seed: 11 }).map((text) => `{${text}`);
    const bodies = [...mutated, ...randomJson, ...notJson];

    // Act
    const answers = await inBatches(bodies, 25, send);

    // Assess
    expect(bodies.length).toBeGreaterThanOrEqual(1000);
    const unexpected = answers
      .map((answer, index) => ({ ...answer, body: bodies[index] }))
      .filter((answer) => answer.status < 400 || answer.status >= 500 || answer.type !== 'application/problem+json');
    expect(unexpected.slice(0, 3)).toEqual([]);
    expect(answers.every((answer) => !answer.text.includes('    at '))).toBe(true);
  });

  it('generated query strings on the list never get a 5xx', async () => {
    // Prepare
    const queries = fc.sample(
      fc.record({
        status: fc.option(fc.oneof(fc.constantFrom('Open', 'Approved', 'open', ''), fc.string({ maxLength: 10 }))),
        limit: fc.option(fc.oneof(fc.integer({ min: -5, max: 500 }).map(String), fc.string({ maxLength: 6 }))),
        cursor: fc.option(fc.oneof(fc.base64String({ maxLength: 80 }), fc.string({ maxLength: 40 }))),
      }),
      { numRuns: 200, seed: 3 },
    );

    // Act
    const answers = await inBatches(queries, 20, async (query) => {
      const params = new URLSearchParams(Object.entries(query).filter(([, value]) => value !== null) as [string, string][]);
      return call('GET', `/mdf/requests?${params}`, { as: people.alice });
    });

    // Assess
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(answers.every((answer) => answer.status === 200 || answer.headers.get('content-type') === 'application/problem+json')).toBe(true);
  });

  it('generated form posts to an approval link never get a 5xx and never decide', async () => {
    // Prepare
    const request = await submitRequest();
    const link = linkIn(await waitForEmail(people.cmmEmea, request.activityName));
    const forms = fc.sample(
      fc.record({
        t: fc.oneof(fc.constant(link.searchParams.get('t') ?? ''), fc.string({ maxLength: 60 })),
        decision: fc.oneof(fc.constantFrom('APPROVE', 'maybe', ''), fc.string({ maxLength: 10 })),
        reason: fc.option(fc.string({ maxLength: 300 })),
      }),
      { numRuns: 150, seed: 5 },
    );

    // Act
    const answers = await inBatches(forms, 15, async (form) => {
      const response = await fetch(`${link.origin}${link.pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(Object.entries(form).filter(([, value]) => value !== null) as [string, string][]),
      });
      return response.status;
    });

    // Assess
    expect(answers.filter((status) => status >= 500 || status < 400)).toEqual([]);
    const after = await call('GET', `/mdf/requests/${request.id}`, { as: people.alice });
    expect(after.body.progress.levels[0].status).toBe('Pending');
  });
});

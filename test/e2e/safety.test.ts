import { describe, expect, it } from 'vitest';
import { call, ensureBudget, people, quarterOf, requestBody, submitRequest } from './support.ts';

/** Nobody sees what is not theirs, repeats are harmless, and refusals say why. */
describe('partner isolation', () => {
  it('partner B reading, listing or cancelling partner A’s request gets 404, the same as a request that does not exist', async () => {
    // Prepare: Alice (Acme) owns the request; Gina is from Globex
    const request = await submitRequest(people.alice);

    // Act
    const read = await call('GET', `/mdf/requests/${request.id}`, { as: people.gina });
    const missing = await call('GET', '/mdf/requests/mdf_doesnotexist000', { as: people.gina });
    const cancel = await call('POST', `/mdf/requests/${request.id}/cancel`, { as: people.gina, body: { reason: 'not mine' } });
    const list = await call('GET', '/mdf/requests?limit=100', { as: people.gina });

    // Assess
    expect(read.status).toBe(404);
    expect(cancel.status).toBe(404);
    expect(read.headers.get('content-type')).toBe('application/problem+json');
    expect({ ...read.body, instance: undefined }).toEqual({ ...missing.body, instance: undefined });
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(request.id);
    expect(list.body.items.every((item: { partnerId: string }) => item.partnerId === 'ptr_globex')).toBe(true);
  });

  it('a list cursor from another partner’s list is refused as bad input, not followed', async () => {
    // Prepare: Alice's list has more than one page
    await submitRequest(people.alice);
    await submitRequest(people.alice);
    const page = await call('GET', '/mdf/requests?limit=1', { as: people.alice });
    expect(page.body.nextCursor).toBeTruthy();

    // Act
    const foreign = await call('GET', `/mdf/requests?limit=1&cursor=${page.body.nextCursor}`, { as: people.gina });

    // Assess
    expect(foreign.status).toBe(400);
    expect(foreign.body.errors).toEqual([{ field: 'query.cursor', message: 'is not a cursor of this list' }]);
  });

  it('a partner cannot claim another organisation by putting it in the body', async () => {
    // Prepare
    const body = { ...(await requestBody()), partnerId: 'ptr_globex' };

    // Act
    const response = await call('POST', '/mdf/requests', { as: people.alice, body });

    // Assess
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field: 'partnerId', message: 'is not a field of this request' }]);
  });

  it('a body with wrong fields is refused with 400 naming each field', async () => {
    // Prepare
    const { startDate: _missing, ...body } = { ...(await requestBody()), amountRequestedCents: 1234.5, activityCountry: 'XX', delivery: 'hybrid' };

    // Act
    const response = await call('POST', '/mdf/requests', { as: people.alice, body });
    const notJson = await call('POST', '/mdf/requests', { as: people.alice, rawBody: '{"activityName": ' });

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(['activityCountry', 'amountRequestedCents', 'delivery', 'startDate']);
    expect(notJson.status).toBe(400);
    expect(notJson.body.errors[0].field).toBe('body');
  });

  it('without a valid token the API answers 401, as API Gateway does', async () => {
    // Act
    const none = await call('GET', '/mdf/requests');
    const forged = await call('GET', '/mdf/requests', { headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJ1c2VySWQiOiJ4In0.' } });

    // Assess
    expect(none.status).toBe(401);
    expect(forged.status).toBe(401);
  });
});

describe('Idempotency-Key on submission', () => {
  it('the same key sent twenty times creates one request and answers with it every time', async () => {
    // Prepare
    const body = await requestBody();
    await ensureBudget('EMEA', quarterOf(body.startDate));
    const headers = { 'idempotency-key': `test-${body.activityName}` };

    // Act: all at once, then once more after they settled
    const burst = await Promise.all(Array.from({ length: 19 }, () => call('POST', '/mdf/requests', { as: people.alice, body, headers })));
    const later = await call('POST', '/mdf/requests', { as: people.alice, body, headers });

    // Assess: every answer is the one request, or "in progress, retry" while the first runs
    const created = [...burst, later].filter((response) => response.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(2);
    expect(new Set(created.map((response) => response.body.id)).size).toBe(1);
    expect([...burst, later].every((response) => response.status === 201 || response.status === 409)).toBe(true);
    expect(later.status).toBe(201);
    const mine = await call('GET', '/mdf/requests?limit=100', { as: people.alice });
    expect(mine.body.items.filter((item: { activityName: string }) => item.activityName === body.activityName)).toHaveLength(1);
  });

  it('the same key with another body is refused with 422', async () => {
    // Prepare
    const body = await requestBody();
    await ensureBudget('EMEA', quarterOf(body.startDate));
    const headers = { 'idempotency-key': `test-other-${body.activityName}` };
    const first = await call('POST', '/mdf/requests', { as: people.alice, body, headers });

    // Act
    const second = await call('POST', '/mdf/requests', { as: people.alice, body: { ...body, targetContacts: 999 }, headers });

    // Assess
    expect(first.status).toBe(201);
    expect(second.status).toBe(422);
    expect(second.body.type).toBe('urn:channel-prm:problem:idempotency-key-reused');
  });

  it('two users using the same key do not collide', async () => {
    // Prepare
    const aliceBody = await requestBody();
    const ginaBody = await requestBody({ country: 'FR' });
    await ensureBudget('EMEA', quarterOf(aliceBody.startDate));
    const headers = { 'idempotency-key': 'same-key-for-everyone' };

    // Act
    const alice = await call('POST', '/mdf/requests', { as: people.alice, body: aliceBody, headers });
    const gina = await call('POST', '/mdf/requests', { as: people.gina, body: ginaBody, headers });

    // Assess
    expect(alice.status).toBe(201);
    expect(gina.status).toBe(201);
    expect(gina.body.id).not.toBe(alice.body.id);
  });
});

describe('who may request MDF', () => {
  it('a user without the mdfAdmin privilege is refused with 403 naming it', async () => {
    // Act
    const response = await call('POST', '/mdf/requests', { as: people.bob, body: await requestBody() });

    // Assess
    expect(response.status).toBe(403);
    expect(response.body.missing).toBe('mdfAdmin');
  });

  it('a partner that is not marketing-ready is refused, naming the missing checklist items', async () => {
    // Act
    const response = await call('POST', '/mdf/requests', { as: people.ivan, body: await requestBody({ country: 'AU' }) });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.rule).toBe('mdf.partner-marketing-ready');
    expect(response.body.detail).toBe('Initech Managed Services is not marketing-ready; missing: business plan approved, MDF policy acknowledged.');
  });

  it('a Prospect partner is refused: only Authorized partners may request', async () => {
    // Act
    const response = await call('POST', '/mdf/requests', { as: people.uma, body: await requestBody() });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.rule).toBe('mdf.partner-authorized');
  });

  it('a request over half of the total cost is refused with the rule named, all violations listed', async () => {
    // Prepare
    const body = { ...(await requestBody()), amountRequestedCents: 60_000, partnerInvestmentCents: 40_000, totalCostCents: 100_000 };

    // Act
    const response = await call('POST', '/mdf/requests', { as: people.alice, body });

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.rule).toBe('mdf.minimum-amount');
    expect(response.body.violations.map((violation: { rule: string }) => violation.rule)).toEqual(['mdf.minimum-amount', 'mdf.max-half-of-total']);
  });
});

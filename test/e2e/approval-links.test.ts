import { describe, expect, it } from 'vitest';
import { call, linkIn, noticeOf, people, postDecision, readRequest, submitRequest, waitForEmail } from './support.ts';

/**
 * An approval link is the approver's credential: looking never decides, it decides
 * once however often it is pressed, and a forged or altered link gets nothing.
 */
const cmmLinkFor = async () => {
  const request = await submitRequest();
  const link = linkIn(await waitForEmail(people.cmmEmea, request.activityName));
  return { request, link };
};

const levelsOf = async (id: string) => (await readRequest(id)).progress.levels.map((level: { status: string }) => level.status);

describe('approval links', () => {
  it('opening the link five times with GET and HEAD (mail scanners, previews) changes nothing', async () => {
    // Prepare
    const { request, link } = await cmmLinkFor();
    const before = await readRequest(request.id);

    // Act
    const responses = [];
    for (let i = 0; i < 5; i += 1) {
      responses.push(await fetch(link, { method: 'GET' }));
      responses.push(await fetch(link, { method: 'HEAD' }));
    }

    // Assess
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(responses[0]?.headers.get('referrer-policy')).toBe('no-referrer');
    expect(responses[0]?.headers.get('cache-control')).toBe('no-store');
    const after = await readRequest(request.id);
    expect(after.status).toBe('Open');
    expect(after.history).toEqual(before.history);
    expect(await levelsOf(request.id)).toEqual(['Pending', 'Waiting', 'Waiting']);
    // And the link still decides afterwards.
    expect((await postDecision(link, 'approve')).status).toBe(200);
  });

  it('fifty concurrent posts of one link make exactly one decision; the others are told who decided', async () => {
    // Prepare
    const { request, link } = await cmmLinkFor();

    // Act
    const results = await Promise.all(Array.from({ length: 50 }, () => postDecision(link, 'approve')));

    // Assess
    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(49);
    const told = results.find((result) => result.status === 409);
    expect(noticeOf(told?.html ?? '')).toMatch(/^This was already approved by EMEA CMM on \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/);
    const after = await readRequest(request.id);
    expect(after.history.filter((event: { action: string }) => event.action === 'level-approved')).toHaveLength(1);
    // The workflow moved on exactly once: one email to the next level.
    await waitForEmail(people.leadEmea, request.activityName);
    expect((await levelsOf(request.id))[0]).toBe('Approved');
  });

  it('twenty-five approvals and twenty-five denials racing on one link end in exactly one decision', async () => {
    // Prepare
    const { request, link } = await cmmLinkFor();

    // Act
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? postDecision(link, 'approve') : postDecision(link, 'deny', `Reason ${i}`))),
    );

    // Assess
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.status === 409)).toHaveLength(49);
    const after = await readRequest(request.id);
    const decisions = after.history.filter((event: { action: string }) => ['level-approved', 'denied'].includes(event.action));
    expect(decisions).toHaveLength(1);
    expect(after.status).toBe(decisions[0].action === 'denied' ? 'Denied' : 'Open');
  });

  it('a tampered, truncated or foreign token gets the plain not-found page and changes nothing', async () => {
    // Prepare
    const { request, link } = await cmmLinkFor();
    const token = link.searchParams.get('t') ?? '';
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const other = await cmmLinkFor();
    const variants = [
      new URL(`${link.origin}${link.pathname}?t=${flipped}`),
      new URL(`${link.origin}${link.pathname}?t=${token.slice(0, 20)}`),
      new URL(`${link.origin}${link.pathname}`),
      // A genuine token of another approval, on this approval's address.
      new URL(`${link.origin}${link.pathname}?t=${other.link.searchParams.get('t')}`),
    ];

    // Act
    const pages = await Promise.all(variants.map(async (url) => ({ get: await fetch(url), post: await postDecision(url, 'approve') })));

    // Assess
    for (const { get, post } of pages) {
      expect(get.status).toBe(404);
      expect(post.status).toBe(404);
      expect(post.html).toContain('This link is not valid');
    }
    expect(await levelsOf(request.id)).toEqual(['Pending', 'Waiting', 'Waiting']);
    expect(await levelsOf(other.request.id)).toEqual(['Pending', 'Waiting', 'Waiting']);
  });

  it('the approval email carries a link to the confirm page but never the workflow’s task token', async () => {
    // Prepare
    const { request } = await cmmLinkFor();

    // Act
    const email = await waitForEmail(people.cmmEmea, request.activityName);

    // Assess: exactly one URL, our 43-character link token, nothing that looks like a Step Functions token
    const urls = (email.body.text ?? '').match(/https?:\/\/\S+/g) ?? [];
    expect(urls).toHaveLength(1);
    expect(new URL(urls[0] ?? '').searchParams.get('t')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(`${email.body.text}${email.body.html}`).not.toMatch(/taskToken|[A-Za-z0-9+/=_-]{100,}/);
  });

  it('a partner cannot reach the approval inbox', async () => {
    // Act
    const response = await call('GET', '/approvals', { as: people.alice });

    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

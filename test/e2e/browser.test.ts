import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIn, people, readRequest, submitRequest, waitForEmail } from './support.ts';

/**
 * An approver on a phone: opens the link from the email in a real browser
 * (Debian's Chromium, headless) and presses Approve on the confirm page.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(`Chromium is needed for this test: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  }
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
});

describe('the confirm page in a browser', () => {
  it('an approver opens the emailed link on a phone and presses Approve', async () => {
    // Prepare
    const request = await submitRequest();
    const link = linkIn(await waitForEmail(people.cmmEmea, request.activityName));
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

    // Act
    await page.goto(link.toString());
    const heading = await page.locator('h1').textContent();
    const pendingBefore = (await readRequest(request.id)).progress.levels[0].status;
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((url) => !url.search.includes('t='));

    // Assess
    expect(heading).toContain(request.activityName);
    expect(pendingBefore).toBe('Pending');
    expect(await page.locator('h1').textContent()).toBe('Approved');
    expect(await page.locator('[role=status]').textContent()).toContain('now goes to the regional marketing lead');
    expect((await readRequest(request.id)).progress.levels[0].status).toBe('Approved');
    await page.close();
  });

  it('Deny without a reason is stopped by the page itself; with a reason it denies', async () => {
    // Prepare
    const request = await submitRequest();
    const link = linkIn(await waitForEmail(people.cmmEmea, request.activityName));
    const page = await browser.newPage();
    await page.goto(link.toString());

    // Act
    await page.getByRole('button', { name: 'Deny' }).click();
    const stillOnPage = await page.getByRole('button', { name: 'Deny' }).isVisible();
    await page.locator('#reason').fill('Outside this quarter’s plan.');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL((url) => !url.search.includes('t='));

    // Assess
    expect(stillOnPage).toBe(true);
    expect(await page.locator('h1').textContent()).toBe('Denied');
    expect((await readRequest(request.id)).outcomeReason).toBe('Outside this quarter’s plan.');
    await page.close();
  });
});

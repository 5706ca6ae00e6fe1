import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { LoaRequest } from '#domain/loa';
import { renderLetter } from '#workflow/loa-letter';

/** The letter shows exactly what was approved: every detail, legal's initials, the signer and the dates. */
const signed: LoaRequest = {
  id: 'loa_5t2r8w1q',
  partnerId: 'ptr_acme',
  partnerName: 'Acme Cloud Partners',
  region: 'EMEA',
  timeZone: 'Europe/Berlin',
  submittedBy: { id: 'usr_alice', name: 'Alice Acme', email: 'alice@acme.example' },
  details: {
    legalCompanyName: 'Acme Cloud Partners GmbH',
    address: 'Friedrichstraße 68\n10117 Berlin',
    country: 'DE',
    contactName: 'Alice Acme',
    contactEmail: 'alice@acme.example',
    contactPhone: '+49 30 1234567',
    customerName: 'Deutsche Beispiel AG',
    tenderReference: 'EU-2027/0042',
    products: ['GitLab Ultimate', 'GitLab Duo Pro'],
  },
  status: 'Issued',
  submittedAt: '2028-02-27T09:00:00.000Z',
  legalInitials: 'LL',
  signedBy: { id: 'usr_pao', name: 'Pat Signer', title: 'Principal Accounting Officer' },
  signedAt: '2028-02-29T10:00:00.000Z',
  validity: { letterDate: '2028-02-29', validThrough: '2029-02-27', expiresOn: '2029-02-28', expiresAt: '2029-02-27T23:00:00.000Z', reminderAt: '2029-01-29T08:00:00.000Z' },
  version: 4,
  updatedAt: '2028-02-29T10:00:00.000Z',
};

const textOf = async (pdf: Uint8Array) => (await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true })).text.replace(/\s+/g, ' ');

describe('the letter (loa.letter-shows-what-was-approved)', () => {
  it('prints every detail as entered, the initials, the signer with title, the letter date and the last valid day', async () => {
    // Act
    const text = await textOf(await renderLetter(signed));

    // Assess
    for (const expected of [
      'Letter of Authorization',
      'Date: 29 February 2028',
      'Reference: loa_5t2r8w1q',
      'To: Deutsche Beispiel AG',
      'Re: tender EU-2027/0042',
      'Acme Cloud Partners GmbH is an Authorized partner',
      'GitLab Ultimate',
      'GitLab Duo Pro',
      'Friedrichstraße 68',
      '10117 Berlin',
      'Contact: Alice Acme, alice@acme.example, +49 30 1234567',
      'valid from 29 February 2028 through 27 February 2029',
      'Pat Signer',
      'Principal Accounting Officer',
      'Approved by legal: LL',
    ]) {
      expect(text).toContain(expected);
    }
    // each address line on its own line, nothing unprintable left
    expect(text).not.toContain('?');
  });

  it('the same signed request gives the same bytes (a retried task stores the same letter)', async () => {
    expect(Buffer.from(await renderLetter(signed)).equals(Buffer.from(await renderLetter(signed)))).toBe(true);
  });

  it('names outside the standard fonts’ characters still print: accents dropped, the rest as "?"', async () => {
    // Act
    const text = await textOf(await renderLetter({ ...signed, details: { ...signed.details, legalCompanyName: 'Łódź Ōsaka 株式会社' } }));

    // Assess
    expect(text).toContain('?ódz Osaka ????');
  });

  it('an unsigned request has no letter', async () => {
    await expect(renderLetter({ ...signed, status: 'Awaiting Signature', signedBy: undefined } as unknown as LoaRequest)).rejects.toThrow('not signed yet');
  });
});

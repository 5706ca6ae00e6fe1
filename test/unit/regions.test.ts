import { describe, expect, it } from 'vitest';
import { approvingRegion, defaultTimeZone, isCountry, isRegion, type Region } from '#domain/regions';

describe('the activity country decides the approving region', () => {
  it.each<{ what: string; country: string; home: Region; region: Region | undefined }>([
    { what: 'an EMEA partner’s event in Germany is approved in EMEA', country: 'DE', home: 'EMEA', region: 'EMEA' },
    { what: 'an AMER partner’s event in the United States is approved in AMER', country: 'US', home: 'AMER', region: 'AMER' },
    { what: 'an APAC partner’s event in Australia is approved in APAC', country: 'AU', home: 'APAC', region: 'APAC' },
    { what: 'an AMER partner’s event in Brazil is approved in AMER', country: 'BR', home: 'AMER', region: 'AMER' },
    { what: 'an EMEA partner’s event in South Africa is approved in EMEA', country: 'ZA', home: 'EMEA', region: 'EMEA' },
    { what: 'a global partner at home in AMER running an event in Germany is approved in EMEA', country: 'DE', home: 'AMER', region: 'EMEA' },
    { what: 'a global partner at home in EMEA running an event in Singapore is approved in APAC', country: 'SG', home: 'EMEA', region: 'APAC' },
    { what: 'a public-sector partner’s event in the United States is approved in PUBSEC', country: 'US', home: 'PUBSEC', region: 'PUBSEC' },
    { what: 'a public-sector partner’s event in Canada is approved in AMER', country: 'CA', home: 'PUBSEC', region: 'AMER' },
    { what: 'a public-sector partner’s event in Germany is approved in EMEA', country: 'DE', home: 'PUBSEC', region: 'EMEA' },
    { what: 'an unknown country code has no approving region', country: 'XX', home: 'AMER', region: undefined },
    { what: 'a lower-case code is not a country code', country: 'de', home: 'EMEA', region: undefined },
    { what: 'an empty country has no approving region', country: '', home: 'EMEA', region: undefined },
  ])('$what', ({ country, home, region }) => {
    // Act
    const approving = approvingRegion(country, home);

    // Assess
    expect(approving).toBe(region);
  });
});

describe('country codes are ISO 3166-1 alpha-2', () => {
  it.each([
    { code: 'DE', country: true },
    { code: 'US', country: true },
    { code: 'SG', country: true },
    { code: 'XX', country: false },
    { code: 'de', country: false },
    { code: 'DEU', country: false },
    { code: '', country: false },
  ])('"$code" is a country: $country', ({ code, country }) => {
    expect(isCountry(code)).toBe(country);
  });
});

describe('regions of the channel program', () => {
  it.each([
    { value: 'AMER', region: true },
    { value: 'EMEA', region: true },
    { value: 'APAC', region: true },
    { value: 'PUBSEC', region: true },
    { value: 'LATAM', region: false },
    { value: 'emea', region: false },
  ])('"$value" is a region: $region', ({ value, region }) => {
    expect(isRegion(value)).toBe(region);
  });

  it('public-sector requests follow the New York business calendar by default', () => {
    expect(defaultTimeZone.PUBSEC).toBe('America/New_York');
  });
});

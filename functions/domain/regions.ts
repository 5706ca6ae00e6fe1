/**
 * Regions of the channel program and which region approves an activity, decided by
 * the activity's country (a global partner's event in EMEA is approved in EMEA,
 * whatever its home region).
 */
export const regions = ['AMER', 'EMEA', 'APAC', 'PUBSEC'] as const;
export type Region = (typeof regions)[number];

export const isRegion = (value: string): value is Region => (regions as readonly string[]).includes(value);

/** ISO 3166-1 alpha-2 codes of each geographic region. */
const countriesByRegion: Record<Exclude<Region, 'PUBSEC'>, string> = {
  AMER:
    'AG AI AR AW BB BL BM BO BQ BR BS BZ CA CL CO CR CU CW DM DO EC FK GD GF GL GP GS GT GY HN HT JM KN KY LC MF MQ MS MX ' +
    'NI PA PE PM PR PY SR SV SX TC TT UM US UY VC VE VG VI',
  EMEA:
    'AD AE AF AL AM AO AT AX AZ BA BE BF BG BH BI BJ BV BW BY CD CF CG CH CI CM CV CY CZ DE DJ DK DZ EE EG EH ER ES ET FI ' +
    'FO FR GA GB GE GG GH GI GM GN GQ GR GW HR HU IE IL IM IQ IR IS IT JE JO KE KG KM KW KZ LB LI LR LS LT LU LV LY MA MC ' +
    'MD ME MG MK ML MR MT MU MW MZ NA NE NG NL NO OM PL PS PT QA RE RO RS RU RW SA SC SD SE SH SI SJ SK SL SM SN SO SS ST ' +
    'SY SZ TD TF TG TJ TM TN TR TZ UA UG UZ VA YE YT ZA ZM ZW',
  APAC:
    'AQ AS AU BD BN BT CC CK CN CX FJ FM GU HK HM ID IN IO JP KH KI KP KR LA LK MH MM MN MO MP MV MY NC NF NP NR NU NZ PF ' +
    'PG PH PK PN PW SB SG TH TK TL TO TV TW VN VU WF WS',
};

const regionOfCountry = new Map<string, Exclude<Region, 'PUBSEC'>>(
  Object.entries(countriesByRegion).flatMap(([region, codes]) =>
    codes.split(' ').map((code) => [code, region as Exclude<Region, 'PUBSEC'>] as const),
  ),
);

export const isCountry = (code: string): boolean => regionOfCountry.has(code);

/** Countries where the public-sector region approves the activities of public-sector partners. */
const publicSectorCountries = new Set(['US']);

/**
 * The region whose approvers decide on an activity in `country`. Public-sector
 * partners' activities in the US are approved by PUBSEC (decision: DOMAIN.md is
 * silent on PUBSEC, which is a segment rather than a geography).
 */
export const approvingRegion = (country: string, partnerHomeRegion: Region): Region | undefined => {
  const geographic = regionOfCountry.get(country);
  if (geographic === undefined) return undefined;
  if (partnerHomeRegion === 'PUBSEC' && publicSectorCountries.has(country)) return 'PUBSEC';
  return geographic;
};

/** Default time zone of each region's business calendar (configurable per region). */
export const defaultTimeZone: Record<Region, string> = {
  AMER: 'America/New_York',
  EMEA: 'Europe/London',
  APAC: 'Asia/Singapore',
  PUBSEC: 'America/New_York',
};

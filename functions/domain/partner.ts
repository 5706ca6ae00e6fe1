import type { Region } from './regions.ts';

export const partnerStatuses = ['Authorized', 'Prospect', 'Suspended'] as const;
export type PartnerStatus = (typeof partnerStatuses)[number];

export const partnerTracks = ['Select', 'Open'] as const;
export type PartnerTrack = (typeof partnerTracks)[number];

/** The eight items a partner must complete to be marketing-ready, with the words people use for them. */
export const marketingReadyItems = {
  businessPlanApproved: 'business plan approved',
  focusAccountsMapped: 'focus accounts mapped',
  jointValueProposition: 'joint value proposition',
  prospectAdminNamed: 'prospect admin named',
  leadPassingAndRecallAcknowledged: 'lead passing and recall acknowledged',
  marketingContactNamed: 'marketing contact named',
  regularCallsHeld: 'regular calls held',
  mdfPolicyAcknowledged: 'MDF policy acknowledged',
} as const;
export type MarketingReadyItem = keyof typeof marketingReadyItems;
export type MarketingReadyChecklist = Record<MarketingReadyItem, boolean>;

/** What kind of partner: alliance and GSI partners' deals are registered by their ESM. */
export const partnerTypes = ['reseller', 'msp', 'integrator', 'alliance', 'gsi'] as const;
export type PartnerType = (typeof partnerTypes)[number];

export const partnerPrivileges = ['mdfAdmin', 'opportunityAdmin'] as const;
export type PartnerPrivilege = (typeof partnerPrivileges)[number];

/** Certifications someone at the partner completed (training, lab and exam passed). */
export interface Certifications {
  solutionArchitect: boolean;
  professionalServicesEngineer: boolean;
}

export interface PartnerContact {
  name: string;
  email: string;
}

export interface Partner {
  id: string;
  legalName: string;
  homeRegion: Region;
  track: PartnerTrack;
  status: PartnerStatus;
  /** Operates in several regions; its activities are approved where they take place. */
  global: boolean;
  /** Reseller when not set. */
  partnerType?: PartnerType;
  contractSignedDate?: string;
  salesTrainingsCompleted: number;
  partnerContact?: PartnerContact;
  marketingReady: MarketingReadyChecklist;
  /** Completed certifications (NFR licences: without either, the licence email encourages one). Neither when not set. */
  certifications?: Certifications;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The checklist items still missing, in checklist order. */
export const missingMarketingReadyItems = (checklist: MarketingReadyChecklist): MarketingReadyItem[] =>
  (Object.keys(marketingReadyItems) as MarketingReadyItem[]).filter((item) => !checklist[item]);

export const isMarketingReady = (checklist: MarketingReadyChecklist): boolean =>
  missingMarketingReadyItems(checklist).length === 0;

export const emptyChecklist = (): MarketingReadyChecklist =>
  Object.fromEntries(Object.keys(marketingReadyItems).map((item) => [item, false])) as MarketingReadyChecklist;

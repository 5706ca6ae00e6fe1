import { setting } from '#shared/settings';

/** Base URL of the public API, where approval links point. */
const baseUrl = setting('PUBLIC_BASE_URL').replace(/\/+$/, '');

export const approvalPageUrl = (approvalId: string, token: string): string =>
  `${baseUrl}/approvals/${encodeURIComponent(approvalId)}?t=${token}`;

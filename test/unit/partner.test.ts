import { describe, expect, it } from 'vitest';
import { emptyChecklist, isMarketingReady, missingMarketingReadyItems, type MarketingReadyChecklist } from '#domain/partner';

/** A checklist with every item done, except those named. */
const checklistMissing = (...missing: (keyof MarketingReadyChecklist)[]): MarketingReadyChecklist => {
  const checklist = Object.fromEntries(Object.keys(emptyChecklist()).map((item) => [item, true])) as MarketingReadyChecklist;
  for (const item of missing) checklist[item] = false;
  return checklist;
};

describe('the marketing-ready checklist', () => {
  it('a partner with all eight items done is marketing-ready', () => {
    // Prepare
    const checklist = checklistMissing();

    // Act / Assess
    expect(missingMarketingReadyItems(checklist)).toEqual([]);
    expect(isMarketingReady(checklist)).toBe(true);
  });

  it('a new partner misses all eight items, listed in checklist order', () => {
    // Prepare
    const checklist = emptyChecklist();

    // Act
    const missing = missingMarketingReadyItems(checklist);

    // Assess
    expect(missing).toEqual([
      'businessPlanApproved',
      'focusAccountsMapped',
      'jointValueProposition',
      'prospectAdminNamed',
      'leadPassingAndRecallAcknowledged',
      'marketingContactNamed',
      'regularCallsHeld',
      'mdfPolicyAcknowledged',
    ]);
    expect(isMarketingReady(checklist)).toBe(false);
  });

  it('missing items are listed in checklist order, whatever order they were unticked in', () => {
    // Prepare
    const checklist = checklistMissing('mdfPolicyAcknowledged', 'regularCallsHeld', 'businessPlanApproved');

    // Act
    const missing = missingMarketingReadyItems(checklist);

    // Assess
    expect(missing).toEqual(['businessPlanApproved', 'regularCallsHeld', 'mdfPolicyAcknowledged']);
  });

  it('one item missing is enough to not be marketing-ready', () => {
    expect(isMarketingReady(checklistMissing('mdfPolicyAcknowledged'))).toBe(false);
  });
});

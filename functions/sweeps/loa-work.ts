import { validityWorkAt, type LoaRequest } from '#domain/loa';
import { loaExpired, loaExpiresSoon } from '#email/loa-emails';
import { sendEmail } from '#email/send';
import { systemActor } from '#store/history';
import * as loaRequests from '#store/loa-requests';
import { transactUnlessRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { startLoaReview } from '#workflow/loa-review';

/**
 * The Letters of Authorization's due work. Each piece is claimed by a conditional
 * write on its due item before anything is sent, so repeated or overlapping sweeps
 * do it once. Only a signed letter has validity due work: a refused request never
 * gets a reminder or an expiry.
 */
type Outcome = 'done' | 'skipped';

/** Thirty days before a letter runs out its partner is reminded; from its anniversary it is Expired and the partner told. */
export const validityStep = async (due: Item): Promise<Outcome> => {
  const id = String(due.loaId);
  const dueAt = String(due.dueAt);
  const now = clock.now();
  const at = now.toISOString();
  const request = await loaRequests.get(id, true);
  if (!request || request.status !== 'Issued' || !request.validity) {
    // Nothing to remind of or expire (never signed, or already over): leave the index.
    await transactUnlessRefused([loaRequests.dueDoneItem(id, loaRequests.VALIDITY_DUE, dueAt)]);
    return 'skipped';
  }
  const { validity } = request;
  if (validityWorkAt(due.step === 'remind' ? 'remind' : 'expire', validity, now) === 'remind') {
    const moved = await transactUnlessRefused([
      loaRequests.dueMoveItem(id, loaRequests.VALIDITY_DUE, dueAt, validity.expiresAt, { step: 'expire', expiresAt: validity.expiresAt }),
      loaRequests.historyItem(id, { at, by: systemActor('letter validity sweep'), action: 'expiry-reminder-sent', details: { validThrough: validity.validThrough } }),
    ]);
    if (moved) await sendEmail(loaExpiresSoon(request));
    return moved ? 'done' : 'skipped';
  }
  const expired = await transactUnlessRefused(expiryItems(request, dueAt, at));
  if (expired) await sendEmail(loaExpired({ ...request, status: 'Expired' }));
  return expired ? 'done' : 'skipped';
};

const expiryItems = (request: LoaRequest, dueAt: string, at: string) => [
  loaRequests.transitionItem(request, 'Issued', 'Expired', at),
  loaRequests.dueDoneItem(request.id, loaRequests.VALIDITY_DUE, dueAt),
  loaRequests.historyItem(request.id, {
    at,
    by: systemActor('letter validity sweep'),
    action: 'expired',
    from: 'Issued',
    to: 'Expired',
    details: { validThrough: request.validity?.validThrough },
  }),
];

/** A request whose review never opened: start its workflow (named after it, so harmless if it runs). */
export const loaReviewNotStarted = async (due: Item): Promise<Outcome> => {
  const id = String(due.loaId);
  const request = await loaRequests.get(id);
  if (request?.status === 'Submitted') await startLoaReview(request);
  const cleared = await transactUnlessRefused([loaRequests.dueDoneItem(id, loaRequests.REVIEW_START_DUE, String(due.dueAt))]);
  return cleared && request?.status === 'Submitted' ? 'done' : 'skipped';
};

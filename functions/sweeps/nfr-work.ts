import { systemActor } from '#store/history';
import * as nfr from '#store/nfr';
import { transactUnlessRefused, type Item } from '#store/table';
import { clock } from '#shared/clock';
import { startNfrReview } from '#workflow/nfr-review';

/**
 * The NFR licences' due work, found through the due index. Each piece ends with a
 * conditional write on the item's due attributes, so repeated or overlapping
 * sweeps do it once.
 */
type Outcome = 'done' | 'skipped';

/**
 * A licence reached its expiry date: it is Expired and its users leave the
 * partner's count, in one transaction conditional on the licence still being
 * Active and still due at this instant.
 */
export const licenceExpired = async (due: Item): Promise<Outcome> => {
  const licence = nfr.licenceFromItem(due);
  const at = clock.now().toISOString();
  const expired = await transactUnlessRefused([
    nfr.endedItem(licence, 'Expired', at, String(due.dueAt)),
    nfr.usersReleasedItem(licence.partnerId, licence.users, at),
    nfr.requestHistoryItem(licence.requestId, {
      at,
      by: systemActor('expiry sweep'),
      action: 'licence-expired',
      details: { licenceId: licence.id, expiresOn: licence.expiresOn, users: licence.users },
    }),
  ]);
  return expired ? 'done' : 'skipped';
};

/** A request whose review never opened: start its workflow (named after it, so harmless if it runs). */
export const reviewNotStarted = async (due: Item): Promise<Outcome> => {
  const request = nfr.requestFromItem(due);
  if (request.status === 'Pending') await startNfrReview(request);
  const cleared = await transactUnlessRefused([nfr.reviewStartDoneItem(request.id, String(due.dueAt))]);
  return cleared && request.status === 'Pending' ? 'done' : 'skipped';
};

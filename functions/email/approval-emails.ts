import type { SubjectView } from '#approvals/subjects';
import { formatInstant, render } from './layout.ts';

/** Emails to approvers. They carry the link to the confirm page; never a task token. */

interface Recipient {
  name: string;
  email: string;
}

export interface LevelAsk {
  to: Recipient;
  /** e.g. `channel marketing manager (EMEA)` */
  asTitle: string;
  /** e.g. `level 1 of 3` */
  levelLabel: string;
  view: SubjectView;
  url: string;
  slaDueAt: string;
  expiresAt: string;
  /** The holder is a backup: for whom, and why. */
  onBehalfOf?: { name: string; why: 'delegation' | 'overdue' };
}

const linkNote = 'This link is yours alone and decides once. Opening it changes nothing until you press Approve or Deny.';

export const approvalRequested = (ask: LevelAsk) => {
  const backupLine = ask.onBehalfOf
    ? ask.onBehalfOf.why === 'delegation'
      ? `You receive this as backup for ${ask.onBehalfOf.name}, who named you while away.`
      : `The decision of ${ask.onBehalfOf.name} is overdue; as their backup you can decide in their place.`
    : undefined;
  return render([ask.to.email], `Decision needed: ${ask.view.kindLabel} "${ask.view.title}" from ${ask.view.partnerName}`, {
    greeting: `Hello ${ask.to.name},`,
    paragraphs: [
      `${ask.view.partnerName} asks for approval of the ${ask.view.kindLabel} "${ask.view.title}". You decide as ${ask.asTitle}, ${ask.levelLabel}.`,
      ...(backupLine ? [backupLine] : []),
    ],
    facts: [...ask.view.facts, ['Decide by', formatInstant(ask.slaDueAt)], ['Link valid until', formatInstant(ask.expiresAt)]],
    action: { label: 'Review and decide', url: ask.url, note: linkNote },
  });
};

export const approvalReminder = (ask: Omit<LevelAsk, 'onBehalfOf'> & { backupName?: string }) =>
  render([ask.to.email], `Overdue: ${ask.view.kindLabel} "${ask.view.title}" from ${ask.view.partnerName} waits for you`, {
    greeting: `Hello ${ask.to.name},`,
    paragraphs: [
      `The ${ask.view.kindLabel} "${ask.view.title}" was due for your decision as ${ask.asTitle} by ${formatInstant(ask.slaDueAt)}.`,
      ask.backupName
        ? `It has also gone to your backup, ${ask.backupName}; whoever decides first decides.`
        : 'Nobody else can decide it in your place: please decide now.',
    ],
    facts: ask.view.facts,
    action: { label: 'Review and decide', url: ask.url, note: linkNote },
  });

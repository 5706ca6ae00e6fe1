import { SendEmailCommand } from '@aws-sdk/client-ses';
import { ses } from '#shared/ses-client';
import { setting } from '#shared/settings';

/** The one way the product sends email: SES, from the configured sender identity. */
const from = setting('MAIL_FROM');

export interface Email {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export const sendEmail = async (email: Email): Promise<void> => {
  if (email.to.length === 0) return;
  await ses().send(
    new SendEmailCommand({
      Source: from,
      Destination: { ToAddresses: email.to },
      Message: {
        Subject: { Data: email.subject, Charset: 'UTF-8' },
        Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
      },
    }),
  );
};

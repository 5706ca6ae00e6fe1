import { SendEmailCommand, SendRawEmailCommand } from '@aws-sdk/client-ses';
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

/** A file sent with an email (a signed letter). */
export interface EmailAttachment {
  fileName: string;
  contentType: string;
  content: Uint8Array;
}

/** RFC 2047 encoded-word for a header holding anything but plain ASCII. */
const headerText = (value: string): string => (/^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`);

/** Base64 in lines of 76 characters, as MIME wants it. */
const base64Lines = (content: Uint8Array | string): string =>
  (Buffer.from(content).toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');

/** The whole message as MIME: the text and HTML alternatives, then each attachment. */
export const mimeMessage = (email: Email, attachments: readonly EmailAttachment[], boundary: string): string => {
  const mixed = `mixed-${boundary}`;
  const alternative = `alt-${boundary}`;
  const lines = [
    `From: ${from}`,
    `To: ${email.to.join(', ')}`,
    `Subject: ${headerText(email.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${mixed}"`,
    '',
    `--${mixed}`,
    `Content-Type: multipart/alternative; boundary="${alternative}"`,
    '',
    `--${alternative}`,
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.text),
    `--${alternative}`,
    'Content-Type: text/html; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(email.html),
    `--${alternative}--`,
    ...attachments.flatMap((attachment) => {
      const name = attachment.fileName.replace(/[^\w.\- ]/g, '_');
      return [
        `--${mixed}`,
        `Content-Type: ${attachment.contentType}; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(attachment.content),
      ];
    }),
    `--${mixed}--`,
    '',
  ];
  return lines.join('\r\n');
};

/** An email with files attached (SES SendRawEmail): same sender, same parts as `sendEmail`. */
export const sendEmailWithAttachments = async (email: Email, attachments: readonly EmailAttachment[]): Promise<void> => {
  if (email.to.length === 0) return;
  const boundary = Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex');
  await ses().send(
    new SendRawEmailCommand({
      Source: from,
      Destinations: email.to,
      RawMessage: { Data: Buffer.from(mimeMessage(email, attachments, boundary), 'utf8') },
    }),
  );
};

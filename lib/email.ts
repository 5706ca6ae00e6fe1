import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailSenderProps {
  /** The From address of every email, e.g. `no-reply@example.com`. */
  readonly mailFrom: string;
  /**
   * When given, the whole domain is verified (DKIM records to publish) and `mailFrom`
   * must be an address of it; otherwise only the address itself is verified.
   */
  readonly senderDomain?: string;
}

const emailAddress = /^[^\s@]+@([^\s@]+\.[^\s@]+)$/;

/** The SES identity every email of the product is sent from, and the right to send as it. */
export class EmailSender extends Construct {
  readonly mailFrom: string;
  readonly identity: EmailIdentity;

  constructor(scope: Construct, id: string, props: EmailSenderProps) {
    super(scope, id);
    const { mailFrom, senderDomain } = props;
    const match = emailAddress.exec(mailFrom);
    if (!match) throw new Error(`mailFrom must be an email address, got "${mailFrom}" (set the context value mailFrom)`);
    if (senderDomain !== undefined && match[1]?.toLowerCase() !== senderDomain.toLowerCase()) {
      throw new Error(`mailFrom ${mailFrom} is not an address of senderDomain ${senderDomain}`);
    }
    this.mailFrom = mailFrom;

    this.identity = new EmailIdentity(this, 'Identity', {
      identity: senderDomain ? Identity.domain(senderDomain) : Identity.email(mailFrom),
    });
  }

  /** `ses:SendEmail` and `ses:SendRawEmail` as the sender identity, and nothing else. */
  grantSend(grantee: IGrantable): void {
    this.identity.grantSendEmail(grantee);
  }
}

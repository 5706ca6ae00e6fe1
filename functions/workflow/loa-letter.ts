import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { formatLetterDate, type LoaRequest } from '#domain/loa';

/**
 * The Letter of Authorization as a PDF, filled from the request exactly as it was
 * approved: the company details the partner entered, legal's initials, the signer
 * and the dates. Only the task that issues letters imports this (pdf-lib stays out
 * of every other bundle). The same request gives the same bytes (fixed document
 * dates and id), so a retried task stores the same letter again.
 */
export const ISSUER = 'GitLab Inc.';
const PROGRAM = 'GitLab Partner Program';

const PAGE = { width: 595.28, height: 841.89 }; // A4
const MARGIN = 64;
const WIDTH = PAGE.width - 2 * MARGIN;

interface Writer {
  page: PDFPage;
  y: number;
}

/** Standard fonts encode WinAnsi only: other characters lose their accents, or become `?`. */
const printable = (font: PDFFont, text: string): string =>
  [...text]
    .map((char) => {
      for (const candidate of [char, char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')]) {
        try {
          font.encodeText(candidate);
          return candidate;
        } catch {
          // not in WinAnsi
        }
      }
      return '?';
    })
    .join('');

const wrap = (font: PDFFont, size: number, text: string): string[] => {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) > WIDTH && line) {
        lines.push(line);
        line = word;
      } else line = candidate;
    }
    lines.push(line);
  }
  return lines;
};

const write = (writer: Writer, font: PDFFont, size: number, text: string, after = 6): void => {
  // Lines first: a newline is not a character the font prints.
  for (const line of text.split('\n').flatMap((paragraph) => wrap(font, size, printable(font, paragraph)))) {
    writer.page.drawText(line, { x: MARGIN, y: writer.y, size, font, color: rgb(0.1, 0.1, 0.1) });
    writer.y -= size * 1.35;
  }
  writer.y -= after;
};

export const renderLetter = async (request: LoaRequest): Promise<Uint8Array> => {
  const { details, validity, signedBy, signedAt, legalInitials } = request;
  if (!validity || !signedBy || !signedAt || !legalInitials) throw new Error(`Letter ${request.id} is not signed yet`);
  const pdf = await PDFDocument.create();
  const at = new Date(signedAt);
  pdf.setTitle(`Letter of Authorization — ${details.legalCompanyName}`);
  pdf.setAuthor(ISSUER);
  pdf.setSubject(request.id);
  pdf.setCreator('Channel Partner Program');
  pdf.setProducer('Channel Partner Program');
  pdf.setCreationDate(at);
  pdf.setModificationDate(at);
  const [regular, bold] = await Promise.all([pdf.embedFont(StandardFonts.Helvetica), pdf.embedFont(StandardFonts.HelveticaBold)]);
  const writer: Writer = { page: pdf.addPage([PAGE.width, PAGE.height]), y: PAGE.height - MARGIN };

  write(writer, bold, 18, 'Letter of Authorization', 4);
  write(writer, regular, 10, `${ISSUER} — ${PROGRAM}`, 18);
  write(writer, regular, 11, `Date: ${formatLetterDate(validity.letterDate)}`, 2);
  write(writer, regular, 11, `Reference: ${request.id}`, 14);
  write(writer, regular, 11, details.customerName ? `To: ${details.customerName}` : 'To whom it may concern', 2);
  if (details.tenderReference) write(writer, regular, 11, `Re: tender ${details.tenderReference}`, 2);
  writer.y -= 12;

  write(
    writer,
    regular,
    11,
    `${ISSUER} confirms that ${details.legalCompanyName} is an Authorized partner of the ${PROGRAM} and is authorized to offer, ` +
      `resell and support the following ${ISSUER} products${details.customerName ? ` to ${details.customerName}` : ''}${details.tenderReference ? ` in tender ${details.tenderReference}` : ''}:`,
  );
  for (const product of details.products) write(writer, regular, 11, `•  ${product}`, 0);
  writer.y -= 10;

  write(writer, bold, 11, 'Partner', 2);
  write(writer, regular, 11, details.legalCompanyName, 0);
  write(writer, regular, 11, details.address, 0);
  write(writer, regular, 11, details.country, 8);
  write(writer, regular, 11, `Contact: ${details.contactName}, ${details.contactEmail}${details.contactPhone ? `, ${details.contactPhone}` : ''}`, 14);

  write(writer, regular, 11, `This letter is valid from ${formatLetterDate(validity.letterDate)} through ${formatLetterDate(validity.validThrough)}.`, 28);

  write(writer, regular, 11, 'Signed for and on behalf of ' + ISSUER, 18);
  write(writer, bold, 12, `/s/ ${signedBy.name}`, 0);
  write(writer, regular, 11, signedBy.name, 0);
  write(writer, regular, 11, signedBy.title, 0);
  write(writer, regular, 11, `Signed on ${formatLetterDate(validity.letterDate)}`, 18);
  write(writer, regular, 9, `Approved by legal: ${legalInitials}`, 0);
  // The same request always gives the same file: no random document id.
  return pdf.save({ useObjectStreams: false, updateFieldAppearances: false, addDefaultPage: false });
};

/**
 * CSV as RFC 4180 writes it (a header row, comma-separated fields, fields in double
 * quotes when they hold commas, quotes or line breaks, a quote inside doubled), read
 * record by record so a large file is never held as rows. Every error names the
 * line and the column where it is, as a person opening the file would count them.
 */
export interface CsvRecord {
  /** The line the record starts on (1-based; a quoted field may span lines). */
  line: number;
  fields: string[];
}

export class CsvError extends Error {
  override name = 'CsvError';
  constructor(
    readonly line: number,
    /** 1-based field number within the record. */
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/**
 * The records of `text`, in order. Blank lines are skipped; a UTF-8 byte order mark
 * at the start is ignored. Throws CsvError at the first malformed record.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const length = text.length;
  while (position < length) {
    const recordLine = line;
    const fields: string[] = [];
    let atRecordEnd = false;
    // A line with nothing on it is not a record.
    const first = text.charCodeAt(position);
    if (first === LF || first === CR) {
      position += first === CR && text.charCodeAt(position + 1) === LF ? 2 : 1;
      line += 1;
      continue;
    }
    while (!atRecordEnd) {
      const column = fields.length + 1;
      if (text.charCodeAt(position) === QUOTE) {
        const openedOn = line;
        position += 1;
        let value = '';
        let segmentStart = position;
        for (;;) {
          if (position >= length) {
            throw new CsvError(openedOn, column, 'The quoted field that starts here is never closed: a closing quote (") is missing.');
          }
          const code = text.charCodeAt(position);
          if (code === QUOTE) {
            if (text.charCodeAt(position + 1) === QUOTE) {
              value += text.slice(segmentStart, position + 1);
              position += 2;
              segmentStart = position;
              continue;
            }
            value += text.slice(segmentStart, position);
            position += 1;
            break;
          }
          if (code === LF || (code === CR && text.charCodeAt(position + 1) !== LF)) line += 1;
          position += 1;
        }
        fields.push(value);
        const next = text.charCodeAt(position);
        if (position >= length) atRecordEnd = true;
        else if (next === COMMA) position += 1;
        else if (next === LF || next === CR) {
          position += next === CR && text.charCodeAt(position + 1) === LF ? 2 : 1;
          line += 1;
          atRecordEnd = true;
        } else {
          throw new CsvError(line, column, 'A closing quote must be followed by a comma or the end of the line; to put a quote inside a field, double it ("").');
        }
      } else {
        const start = position;
        for (;;) {
          if (position >= length) {
            fields.push(text.slice(start, position));
            atRecordEnd = true;
            break;
          }
          const code = text.charCodeAt(position);
          if (code === COMMA) {
            fields.push(text.slice(start, position));
            position += 1;
            // A comma at the very end of the text still ends an empty last field.
            if (position >= length) {
              fields.push('');
              atRecordEnd = true;
            }
            break;
          }
          if (code === LF || code === CR) {
            fields.push(text.slice(start, position));
            position += code === CR && text.charCodeAt(position + 1) === LF ? 2 : 1;
            line += 1;
            atRecordEnd = true;
            break;
          }
          if (code === QUOTE) {
            throw new CsvError(line, column, 'A quote (") inside a field that does not start with one: put the whole field in quotes and double the quote inside ("").');
          }
          position += 1;
        }
      }
    }
    yield { line: recordLine, fields };
  }
}

/**
 * Where `bytes` stop being UTF-8: the index of the first byte that does not belong to
 * a well-formed sequence, or -1 when all of it is UTF-8.
 */
export const firstInvalidUtf8 = (bytes: Uint8Array): number => {
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] as number;
    if (byte < 0x80) {
      index += 1;
      continue;
    }
    let needed: number;
    let min: number;
    if (byte >= 0xc2 && byte <= 0xdf) [needed, min] = [1, 0x80];
    else if (byte >= 0xe0 && byte <= 0xef) [needed, min] = [2, 0x800];
    else if (byte >= 0xf0 && byte <= 0xf4) [needed, min] = [3, 0x10000];
    else return index;
    let codePoint = byte & (0x3f >> needed);
    for (let k = 1; k <= needed; k += 1) {
      const next = bytes[index + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return index;
      codePoint = (codePoint << 6) | (next & 0x3f);
    }
    if (codePoint < min || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return index;
    index += needed + 1;
  }
  return -1;
};

/** Line and column (both 1-based, in characters) of byte `offset` of UTF-8 `bytes`. */
export const positionOfByte = (bytes: Uint8Array, offset: number): { line: number; column: number } => {
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index += 1) {
    if (bytes[index] === LF) {
      line += 1;
      lineStart = index + 1;
    }
  }
  const column = new TextDecoder().decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, column };
};

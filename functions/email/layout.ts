/**
 * The shared shape of every email: a greeting, paragraphs, a facts table, an
 * optional button, a footer; rendered both as plain text and as HTML from the
 * same parts, so both say the same thing.
 */
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char);

export interface EmailParts {
  greeting: string;
  paragraphs: string[];
  facts?: [string, string][];
  action?: { label: string; url: string; note?: string };
  closing?: string[];
}

export const renderText = (parts: EmailParts): string => {
  const lines = [parts.greeting, '', ...parts.paragraphs.flatMap((p) => [p, ''])];
  if (parts.facts?.length) {
    const width = Math.max(...parts.facts.map(([label]) => label.length));
    lines.push(...parts.facts.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`), '');
  }
  if (parts.action) {
    lines.push(`${parts.action.label}: ${parts.action.url}`);
    if (parts.action.note) lines.push(parts.action.note);
    lines.push('');
  }
  for (const line of parts.closing ?? []) lines.push(line, '');
  lines.push('— Channel Partner Program');
  return lines.join('\n');
};

export const renderHtml = (parts: EmailParts): string => {
  const facts = parts.facts?.length
    ? `<table role="presentation" style="border-collapse:collapse;margin:12px 0">${parts.facts
        .map(
          ([label, value]) =>
            `<tr><td style="padding:4px 12px 4px 0;color:#555;vertical-align:top">${escapeHtml(label)}</td><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`,
        )
        .join('')}</table>`
    : '';
  const action = parts.action
    ? `<p style="margin:20px 0"><a href="${escapeHtml(parts.action.url)}" style="background:#1f5fbf;color:#fff;padding:12px 20px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(parts.action.label)}</a></p>` +
      (parts.action.note ? `<p style="color:#555;font-size:13px">${escapeHtml(parts.action.note)}</p>` : '')
    : '';
  return [
    '<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#222;max-width:640px">',
    `<p>${escapeHtml(parts.greeting)}</p>`,
    ...parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    facts,
    action,
    ...(parts.closing ?? []).map((p) => `<p>${escapeHtml(p)}</p>`),
    '<p style="color:#777;font-size:13px">— Channel Partner Program</p>',
    '</body></html>',
  ].join('');
};

export const render = (to: string[], subject: string, parts: EmailParts) => ({
  to,
  subject,
  text: renderText(parts),
  html: renderHtml(parts),
});

/** `2026-11-27T10:00:00.000Z` → `2026-11-27 10:00 UTC` */
export const formatInstant = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

import iconv from 'iconv-lite';

/**
 * Raw mails for the email tests, built byte by byte: header lines as written (an encoded word, a
 * raw 8-bit value, a broken line are all just lines here) and a body as bytes.
 */
export function rawMail(
  headers: readonly string[] | readonly (string | Buffer)[],
  body: string | Buffer = '',
): Uint8Array {
  const parts: Buffer[] = [];
  for (const line of headers)
    parts.push(Buffer.isBuffer(line) ? line : Buffer.from(line, 'utf8'), Buffer.from('\r\n'));
  parts.push(Buffer.from('\r\n'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
  return new Uint8Array(Buffer.concat(parts));
}

/** Text in a legacy charset, as bytes (iconv-lite knows what TextDecoder lacks). */
export function encoded(text: string, charset: string): Buffer {
  return iconv.encode(text, charset);
}

export const BASIC_HEADERS = [
  'From: Alice Example <alice@example.com>',
  'To: support@opsdesk.example.com',
  'Subject: VPN down',
  'Message-ID: <m1@example.com>',
  'Date: Mon, 23 Nov 2026 10:00:00 +0000',
  'MIME-Version: 1.0',
];

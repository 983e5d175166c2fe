import { describe, expect, it } from 'vitest';
import {
  MailTooComplexError,
  parseMail,
  parseMailHeaders,
  safeFilename,
} from '../../functions/email/parse.js';
import { BASIC_HEADERS, encoded, rawMail } from './email-fixtures.js';

describe('parseMail', () => {
  it('reads sender, subject, ids and the text part of a plain mail', async () => {
    const mail = await parseMail(
      rawMail(
        [
          ...BASIC_HEADERS,
          'Cc: Bob <bob@example.com>, carol@example.com',
          'In-Reply-To: <prev@example.com>',
          'References: <root@example.com> <prev@example.com>',
          'Content-Type: text/plain; charset=utf-8',
        ],
        'Since 9:00 nothing works.\r\n',
      ),
    );
    expect(mail.from).toEqual({ address: 'alice@example.com', name: 'Alice Example' });
    expect(mail.subject).toBe('VPN down');
    expect(mail.messageId).toBe('<m1@example.com>');
    expect(mail.inReplyTo).toEqual(['<prev@example.com>']);
    expect(mail.references).toEqual(['<root@example.com>', '<prev@example.com>']);
    expect(mail.cc.map((m) => m.address)).toEqual(['bob@example.com', 'carol@example.com']);
    expect(mail.body).toBe('Since 9:00 nothing works.');
  });

  it('decodes encoded-word subjects and display names, joining adjacent words', async () => {
    const mail = await parseMail(
      rawMail([
        'From: =?iso-8859-1?Q?J=FCrgen_M=FCller?= <j@example.de>',
        'Subject: =?utf-8?B?w5xiZXJ3ZWlzdW5n?= =?utf-8?Q?_fehlgeschlagen?=',
        'Message-ID: <m2@example.de>',
      ]),
    );
    expect(mail.from).toEqual({ address: 'j@example.de', name: 'Jürgen Müller' });
    expect(mail.subject).toBe('Überweisung fehlgeschlagen');
  });

  it.each([
    ['unicode-1-1-utf-7', 'Hi Mom -+Jjo--!', 'Hi Mom -☺-!'],
    ['utf-7', '+AMQ-rger', 'Ärger'],
  ])('decodes %s bodies TextDecoder cannot read', async (charset, body, expected) => {
    const mail = await parseMail(
      rawMail([...BASIC_HEADERS, `Content-Type: text/plain; charset=${charset}`], body),
    );
    expect(mail.body).toBe(expected);
  });

  it.each([
    ['ks_c_5601-1987', '안녕하세요 고객님'],
    ['windows-1258', 'Xin chào, máy in hư'],
    ['gb2312', '机房环境法规'],
    ['windows-1251', 'Принтер не работает'],
  ])('decodes %s bodies (quoted-printable and base64)', async (charset, text) => {
    const bytes = encoded(text, charset);
    const qp = [...bytes].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    for (const [encoding, body] of [
      ['quoted-printable', qp],
      ['base64', bytes.toString('base64')],
    ] as const) {
      const mail = await parseMail(
        rawMail(
          [
            ...BASIC_HEADERS,
            `Content-Type: text/plain; charset="${charset}"`,
            `Content-Transfer-Encoding: ${encoding}`,
          ],
          body,
        ),
      );
      expect(mail.body, `${charset} ${encoding}`).toBe(text);
    }
  });

  it('reads ISO-2022-JP, and Shift_JIS mislabelled as ISO-2022-JP (8-bit bytes under a 7-bit label)', async () => {
    const proper = await parseMail(
      rawMail(
        [...BASIC_HEADERS, 'Content-Type: text/plain; charset=ISO-2022-JP'],
        Buffer.from('\x1b$B%D!<%k\x1b(B', 'latin1'),
      ),
    );
    expect(proper.body).toBe('ツール');
    const shiftJis = encoded('ツール', 'shift_jis');
    const mislabelled = await parseMail(
      rawMail([
        `From: =?ISO-2022-JP?B?${Buffer.concat([shiftJis, Buffer.from(' EXAMPLE')]).toString('base64')}?= <bar@example.org>`,
        Buffer.concat([Buffer.from('Subject: '), shiftJis]),
        'Content-Type: text/plain; charset=ISO-2022-JP',
      ]),
    );
    expect(mislabelled.from?.name).toBe('ツール EXAMPLE');
    expect(mislabelled.subject).toBe('ツール');
  });

  it('reads raw 8-bit headers in the part’s charset, and undeclared 8-bit text as windows-1252', async () => {
    const mail = await parseMail(
      rawMail(
        [
          Buffer.concat([Buffer.from('Subject: '), encoded('Drucker geht nicht, Grüße', 'latin1')]),
          'From: hans@example.de',
          'Content-Type: text/plain; charset=iso-8859-1',
        ],
        encoded('Schöne Grüße', 'latin1'),
      ),
    );
    expect(mail.subject).toBe('Drucker geht nicht, Grüße');
    expect(mail.body).toBe('Schöne Grüße');
    const undeclared = await parseMail(
      rawMail(['From: a@example.com', 'Subject: x'], encoded('Café crème', 'windows-1252')),
    );
    expect(undeclared.body).toBe('Café crème');
  });

  it('reads undeclared 8-bit headers and text in the charset it is in: a GB2312 subject with no charset is not Latin-1', async () => {
    const mail = await parseMail(
      rawMail(
        [
          'From: Li Wei <li.wei@example.cn>',
          Buffer.concat([Buffer.from('Subject: '), encoded('关于打印机的问题', 'gb2312')]),
          'Message-ID: <gb@example.cn>',
        ],
        encoded('您好，打印机无法打印。', 'gb2312'),
      ),
    );
    expect(mail.subject).toBe('关于打印机的问题');
    expect(mail.body).toBe('您好，打印机无法打印。');
    // Undeclared Shift_JIS in a From name; Cyrillic in a subject (one charset per header block).
    const japanese = await parseMail(
      rawMail(
        [
          Buffer.concat([
            Buffer.from('From: '),
            encoded('山田太郎', 'shift_jis'),
            Buffer.from(' <taro@example.jp>'),
          ]),
          Buffer.concat([Buffer.from('Subject: '), encoded('プリンター故障', 'shift_jis')]),
        ],
        'x',
      ),
    );
    expect(japanese.from).toEqual({ address: 'taro@example.jp', name: '山田太郎' });
    const russian = await parseMail(
      rawMail(
        [
          'From: ivan@example.ru',
          Buffer.concat([Buffer.from('Subject: '), encoded('Принтер не работает', 'windows-1251')]),
        ],
        'x',
      ),
    );
    expect(russian.subject).toBe('Принтер не работает');
  });

  it('reads the sender, subject and Message-ID of a mail from its first bytes (an oversized mail)', async () => {
    const whole = rawMail(
      [...BASIC_HEADERS, 'Auto-Submitted: auto-generated', 'Content-Type: multipart/mixed; boundary="b"'],
      `--b\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n${'QUJD'.repeat(50_000)}\r\n--b--\r\n`,
    );
    const head = await parseMailHeaders(whole.subarray(0, 64 * 1024));
    expect(head).toMatchObject({
      messageId: '<m1@example.com>',
      subject: 'VPN down',
      from: { address: 'alice@example.com', name: 'Alice Example' },
      attachments: [],
    });
    expect(head.headers).toContainEqual({ key: 'auto-submitted', value: 'auto-generated' });
    // A header block longer than what was read: its whole lines.
    const cut = await parseMailHeaders(whole.subarray(0, 60));
    expect(cut.from?.address).toBe('alice@example.com');
  });

  it('turns an HTML-only mail into text without markup, scripts or styles', async () => {
    const html =
      '<html><head><title>Newsletter title</title><style>p{color:red}</style></head><body>' +
      '<h1>Printer</h1><p>The <b>printer</b> on floor 3 is <a href="https://x.example/p">down</a>.</p>' +
      '<script>alert(1)</script><img src="cid:logo"><table><tr><td>A</td><td>B</td></tr></table></body></html>';
    const mail = await parseMail(rawMail([...BASIC_HEADERS, 'Content-Type: text/html; charset=utf-8'], html));
    expect(mail.text).toBe('');
    expect(mail.body).toContain('Printer');
    expect(mail.body).toContain('The printer on floor 3 is down [https://x.example/p].');
    expect(mail.body).not.toMatch(/<|alert|color:red|Newsletter title/);
  });

  it('tolerates malformed headers: lines without a colon, several From headers, an empty address first', async () => {
    const mail = await parseMail(
      rawMail([
        'From: [??????]',
        'this line is not a header',
        'From: "Broken " <>, "LTD" <ly@example.com>',
        'Subject: ok',
        'Message-Id: 20200123143934.05D7EE792E@example.com',
      ]),
    );
    expect(mail.from).toEqual({ address: 'ly@example.com', name: 'LTD' });
    expect(mail.messageId).toBe('<20200123143934.05D7EE792E@example.com>');
  });

  it.each([
    ['MAILER-DAEMON (Mail Delivery System)', { address: 'MAILER-DAEMON', name: 'Mail Delivery System' }],
    [
      '=?iso-8859-1?Q?B=FCrling,=20Andreas?= <smith@example.com>',
      { address: 'smith@example.com', name: 'Bürling, Andreas' },
    ],
    ['=?utf-8?Q?attacker?Q?agent?=@victim.example', { address: 'attacker?Q?agent@victim.example', name: '' }],
  ])('reads the sender of From: %s', async (from, expected) => {
    const mail = await parseMail(rawMail([`From: ${from}`, 'Subject: s']));
    expect(mail.from).toEqual(expected);
  });

  it('never decodes an encoded word into an address when it would smuggle in specials', async () => {
    const mail = await parseMail(
      rawMail(['From: =?utf-8?Q?a=40evil.example=3E?=@victim.example', 'Subject: s']),
    );
    expect(mail.from?.address).toBe('=?utf-8?Q?a=40evil.example=3E?=@victim.example');
  });

  it('falls back to Reply-To when From names no address', async () => {
    const mail = await parseMail(
      rawMail(['From: "=?GB2312?B?ztI=?=" <>', 'Reply-To: <vip@example.com>', 'Subject: s']),
    );
    expect(mail.from?.address).toBe('vip@example.com');
  });

  it('keeps attachments and inline images with their metadata, and never trusts a file name as a path', async () => {
    const boundary = 'b1';
    const mail = await parseMail(
      rawMail(
        [...BASIC_HEADERS, `Content-Type: multipart/related; boundary="${boundary}"`],
        [
          `--${boundary}`,
          'Content-Type: text/html; charset=utf-8',
          '',
          '<p>See <img src="cid:shot@x"></p>',
          `--${boundary}`,
          'Content-Type: image/png',
          'Content-ID: <shot@x>',
          'Content-Disposition: inline',
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('PNGDATA').toString('base64'),
          `--${boundary}`,
          'Content-Type: application/pdf',
          "Content-Disposition: attachment; filename*=UTF-8''..%2F..%2Frechnung%20M%C3%A4rz.pdf",
          'Content-Transfer-Encoding: base64',
          '',
          Buffer.from('%PDF').toString('base64'),
          `--${boundary}--`,
          '',
        ].join('\r\n'),
      ),
    );
    const [image, pdf] = mail.attachments;
    expect(image).toMatchObject({ contentType: 'image/png', contentId: '<shot@x>', inline: true, size: 7 });
    expect(Buffer.from(image!.content).toString()).toBe('PNGDATA');
    expect(pdf).toMatchObject({
      filename: 'rechnung März.pdf',
      contentType: 'application/pdf',
      inline: false,
      size: 4,
    });
  });

  it('names the message a bounce returns (its Message-ID and subject)', async () => {
    const mail = await parseMail(
      rawMail(
        [
          'From: MAILER-DAEMON@mx.example.com',
          'Subject: Undelivered Mail',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
        ],
        [
          '--r',
          'Content-Type: text/plain',
          '',
          'Delivery failed.',
          '--r',
          'Content-Type: message/delivery-status',
          '',
          'Status: 5.1.1',
          '--r',
          'Content-Type: message/rfc822',
          '',
          'Message-ID: <opsdesk.e1.INC-000042@opsdesk.example.com>',
          'Subject: [INC-000042] VPN down',
          '',
          'original',
          '--r--',
        ].join('\r\n'),
      ),
    );
    expect(mail.contentType).toBe('multipart/report');
    expect(mail.reportType).toBe('delivery-status');
    expect(mail.embedded.messageIds).toEqual(['<opsdesk.e1.INC-000042@opsdesk.example.com>']);
    expect(mail.embedded.subjects).toEqual(['[INC-000042] VPN down']);
    expect(mail.body).toBe('Delivery failed.');
  });

  it('refuses a parse that runs past its time budget', async () => {
    let now = 0;
    const clock = () => {
      now += 600;
      return now;
    };
    await expect(
      parseMail(rawMail(BASIC_HEADERS, 'x'), { budgetMs: 1_000, now: clock }),
    ).rejects.toBeInstanceOf(MailTooComplexError);
  });

  it('is bounded on hostile structure: 5,000 nested parts and a 2 MB header block finish fast', async () => {
    const depth = 5_000;
    const open = Array.from(
      { length: depth },
      (_, i) => `--n${i}\r\nContent-Type: multipart/mixed; boundary="n${i + 1}"\r\n`,
    ).join('\r\n');
    const nested = rawMail([...BASIC_HEADERS, 'Content-Type: multipart/mixed; boundary="n0"'], open);
    const started = performance.now();
    await expect(parseMail(nested)).rejects.toThrow(/nesting/i);
    const bigHeaders = rawMail(
      [...BASIC_HEADERS, ...Array.from({ length: 20_000 }, (_, i) => `X-Filler-${i}: ${'y'.repeat(100)}`)],
      'x',
    );
    await expect(parseMail(bigHeaders)).rejects.toThrow(/header size/i);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('safeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['C:\\Users\\x\\report.pdf', 'report.pdf'],
    ['bad\u0000name".txt', 'badname.txt'],
    ['', 'attachment-3.png'],
    [null, 'attachment-3.png'],
    ['..', 'attachment-3.png'],
  ])('%j → %s', (name, expected) => {
    expect(safeFilename(name, 'image/png', 2)).toBe(expected);
  });
});

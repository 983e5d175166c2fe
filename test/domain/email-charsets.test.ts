import { describe, expect, it } from 'vitest';
import { guessCharset } from '../../functions/email/charset-guess.js';
import {
  decoderLabel,
  decodeText,
  effectiveCharset,
  isNativeCharset,
} from '../../functions/email/charsets.js';
import { parseMail } from '../../functions/email/parse.js';
import { decodeUhc } from '../../functions/email/uhc.js';
import { decodeUtf7 } from '../../functions/email/utf7.js';
import { BASIC_HEADERS, encoded, rawMail } from './email-fixtures.js';

/** The WHATWG encoding decodeText reads a label with (`utf-7` for our own decoder), or undefined. */
function encodingOf(label: string): string | undefined {
  const decoder = decoderLabel(label);
  return decoder === undefined || decoder === 'utf-7' ? decoder : new TextDecoder(decoder).encoding;
}

const hex = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));

// Bytes written by iconv-lite (the previous decoder), kept literal so the tests need no encoder.
const CP932 = hex('8376838a8393835e815b8ccc8fe1 8740'); // プリンター故障① (① is an NEC row)
const CP936 = hex('bbfab7bfbfd5b5f7b9cad5cf 2080'); // 机房空调故障 € (0x80 is cp936's euro)
const CP950 = hex('a64caaedbef7ac47bbd9'); // 印表機故障
const CP949 = hex('8c63bee4b2e1 20 c1d6b9ae 20 a2e6 313030'); // 똠얌꿍 주문 €100 (똠 and € are UHC only)

describe('charset labels', () => {
  it.each([
    // Microsoft and vendor labels for the CJK code pages → the WHATWG encoding that is their superset
    ['cp932', 'shift_jis'],
    ['MS932', 'shift_jis'],
    ['Windows-31J', 'shift_jis'],
    ['windows-932', 'shift_jis'],
    ['x-sjis', 'shift_jis'],
    ['Shift-JIS', 'shift_jis'],
    ['x-mac-japanese', 'shift_jis'],
    ['cp936', 'gbk'],
    ['ms936', 'gbk'],
    ['windows-936', 'gbk'],
    ['euc-cn', 'gbk'],
    ['GB2312', 'gbk'],
    ['cp54936', 'gb18030'],
    ['cp949', 'euc-kr'],
    ['ms949', 'euc-kr'],
    ['UHC', 'euc-kr'],
    ['windows-949', 'euc-kr'],
    ['ks_c_5601-1987', 'euc-kr'],
    ['ks_c_5601-1989', 'euc-kr'],
    ['cp950', 'big5'],
    ['ms950', 'big5'],
    ['big5-hkscs', 'big5'],
    ['Big5HKSCS', 'big5'],
    ['cp51932', 'euc-jp'],
    ['eucJP-ms', 'euc-jp'],
    ['cp50220', 'iso-2022-jp'],
    ['ISO-2022-JP-2', 'iso-2022-jp'],
    ['csISO2022JP', 'iso-2022-jp'],
    // single-byte spellings TextDecoder does not take as written
    ['win-1251', 'windows-1251'],
    ['windows1252', 'windows-1252'],
    ['cp1250', 'windows-1250'],
    ['"ISO_8859-1:1987"', 'windows-1252'],
    ['cp28592', 'iso-8859-2'],
    ['latin9', 'iso-8859-15'],
    ['koi8r', 'koi8-r'],
    ['cp866', 'ibm866'],
    ['tis620', 'windows-874'],
    ['x-mac-roman', 'macintosh'],
    // UTF-7 and misspellings seen in real mail
    ['utf-7', 'utf-7'],
    ['UTF7', 'utf-7'],
    ['unicode-1-1-utf-7', 'utf-7'],
    ['x-unicode-2-0-utf-7', 'utf-7'],
    ['uft-8', 'utf-8'],
    ['utf8mb4', 'utf-8'],
    // no decoder: read as windows-1252 by decodeText
    ['cp437', undefined],
    ['ibm850', undefined],
    ['cp852', undefined],
    ['utf-32', undefined],
    ['unknown-8bit', undefined],
    ['', undefined],
  ])('%s is read as %s', (label, expected) => {
    expect(encodingOf(label)).toBe(expected);
  });

  it.each([
    ['utf-8', true],
    ['gbk', true],
    ['shift_jis', true],
    ['iso-8859-1', true],
    ['cp936', false],
    ['utf-7', false],
    ['uft-8', false],
    // ICU's euc-kr lacks the UHC syllables, so Korean must not be left to postal-mime
    ['ks_c_5601-1987', false],
    ['euc-kr', false],
  ])('isNativeCharset(%s) is %s', (label, expected) => {
    expect(isNativeCharset(label)).toBe(expected);
  });

  it.each([
    ['cp932', CP932, 'プリンター故障①'],
    ['windows-31j', CP932, 'プリンター故障①'],
    ['cp936', CP936, '机房空调故障 €'],
    ['cp950', CP950, '印表機故障'],
    ['cp949', CP949, '똠얌꿍 주문 €100'],
    ['ks_c_5601-1987', CP949, '똠얌꿍 주문 €100'],
    ['cp850', hex('477281e165'), 'Gr\u0081áe'],
    ['x-unknown', hex('47727565df65'), 'Grueße'],
  ])('decodeText reads %s', (label, bytes, expected) => {
    expect(decodeText(bytes, label)).toBe(expected);
  });

  it('reads 8-bit text under an ISO-2022-JP label (any spelling) as Shift_JIS', () => {
    expect(effectiveCharset('csISO2022JP', CP932)).toBe('shift_jis');
    expect(effectiveCharset('iso-2022-jp-2', CP932)).toBe('shift_jis');
    expect(effectiveCharset('cp50220', hex('1b2442467c1b2842'))).toBe('iso-2022-jp');
  });
});

describe('UHC (cp949)', () => {
  it.each([
    ['8c63', '똠'], // first row of the extension
    ['c164', '햏'], // a row from 0xA1 up, where the extension has only 84 cells
    ['c652', '힣'], // the last extension cell (U+D7A3, the last syllable)
    ['b0a1', '가'], // KS X 1001 itself
    ['a2e6a2e7', '€®'], // added in 1998
    ['c653', '\ufffd'], // past the extension
    ['41 8c 63 42', 'A똠B'],
  ])('%s → %s', (bytes, expected) => {
    expect(decodeUhc(hex(bytes))).toBe(expected);
  });
});

describe('UTF-7 (RFC 2152)', () => {
  it.each([
    ['Hi Mom -+Jjo--!', 'Hi Mom -☺-!'],
    ['+ZeVnLIqe-', '日本語'],
    ['A+ImIDkQ.', 'A≢Α.'],
    ['Item 3 is +AKM-1.', 'Item 3 is £1.'],
    ['+-', '+'],
    ['1 +- 1 = 2', '1 + 1 = 2'],
    ['+AMQ-rger', 'Ärger'],
    ['+2D3eAA-', '😀'], // a surrogate pair in one run
    ['+AGEAYgBj', 'abc'], // a run ended by the end of the text
    ['a + b', 'a + b'], // a lone "+" is kept
  ])('%s → %s', (encoded, expected) => {
    expect(decodeUtf7(Buffer.from(encoded, 'latin1'))).toBe(expected);
    expect(decodeText(Buffer.from(encoded, 'latin1'), 'unicode-1-1-utf-7')).toBe(expected);
  });
});

describe('CJK mail under Microsoft labels', () => {
  it.each([
    ['cp936', CP936, '机房空调故障 €'],
    ['windows-31j', CP932, 'プリンター故障①'],
    ['ks_c_5601-1987', CP949, '똠얌꿍 주문 €100'],
    ['cp949', CP949, '똠얌꿍 주문 €100'],
    ['ms950', CP950, '印表機故障'],
  ])('decodes a %s subject and body', async (charset, bytes, text) => {
    const base64 = Buffer.from(bytes).toString('base64');
    const mail = await parseMail(
      rawMail(
        [
          ...BASIC_HEADERS.filter((line) => !line.startsWith('Subject:')),
          `Subject: =?${charset}?B?${base64}?=`,
          `Content-Type: text/plain; charset=${charset}`,
          'Content-Transfer-Encoding: base64',
        ],
        base64,
      ),
    );
    expect(mail.subject).toBe(text);
    expect(mail.body).toBe(text);
  });

  it('decodes an 8-bit cp949 body sent without transfer encoding', async () => {
    const mail = await parseMail(
      rawMail(
        [...BASIC_HEADERS, 'Content-Type: text/plain; charset="cp949"', 'Content-Transfer-Encoding: 8bit'],
        Buffer.from(CP949),
      ),
    );
    expect(mail.body).toBe('똠얌꿍 주문 €100');
  });
});

describe('guessing an undeclared charset (chardet)', () => {
  it.each([
    ['关于打印机的问题', 'gb2312', 'gb18030'],
    ['机房环境法规', 'gb2312', 'gb18030'],
    ['印表機壞了', 'big5', 'big5'],
    ['プリンター故障', 'shift_jis', 'shift_jis'],
    ['プリンター故障', 'euc-jp', 'euc-jp'],
    ['프린터 고장', 'euc-kr', 'euc-kr'],
    ['Принтер не работает', 'windows-1251', 'windows-1251'],
    ['Принтер не работает', 'koi8-r', 'koi8-r'],
  ])('%s in %s → %s, even as short as a subject', (text, charset, guess) => {
    const bytes = new Uint8Array(encoded(text, charset));
    expect(guessCharset(bytes)).toBe(guess);
    expect(effectiveCharset(undefined, bytes, guessCharset)).toBe(guess);
    expect(decodeText(bytes, effectiveCharset('', bytes, guessCharset))).toBe(text);
  });

  it.each([
    ['Café crème', 'windows-1252'],
    ['é', 'latin1'],
    ['Grüße aus München', 'latin1'],
    ['Drukarka nie działa', 'windows-1250'],
    ['“quoted” – 10 €', 'windows-1252'],
    // Two characters are too few for the frequency test: no guess.
    ['测试', 'gb2312'],
  ])('no sure guess for %s (%s): windows-1252, as before', (text, charset) => {
    const bytes = new Uint8Array(encoded(text, charset));
    expect(guessCharset(bytes)).toBeUndefined();
    expect(effectiveCharset(undefined, bytes, guessCharset)).toBe('windows-1252');
  });

  it('never guesses for ASCII, valid UTF-8 or a declared charset', () => {
    expect(guessCharset(new Uint8Array(Buffer.from('plain ascii')))).toBeUndefined();
    const utf8 = new Uint8Array(Buffer.from('关于打印机的问题'));
    expect(effectiveCharset(undefined, utf8, guessCharset)).toBe('utf-8');
    const gbk = new Uint8Array(encoded('关于打印机的问题', 'gb2312'));
    expect(effectiveCharset('iso-8859-1', gbk, guessCharset)).toBe('iso-8859-1');
  });
});

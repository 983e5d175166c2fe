import { decodeUhc } from './uhc.js';
import { decodeUtf7 } from './utf7.js';

/**
 * Character sets of incoming mail, decoded with Node's TextDecoder (full ICU), which knows the
 * WHATWG labels postal-mime uses. Vendor and Microsoft labels are mapped to the WHATWG encoding that
 * is their superset (cp932 → shift_jis, cp936 → gbk, cp950 → big5, cp949 → euc-kr…). Two small
 * decoders fill what TextDecoder lacks: UTF-7, and the UHC half of Korean (ICU's euc-kr stops at
 * KS X 1001). A label none of these knows (DOS code pages such as cp437/cp850, mac* other than
 * macintosh and x-mac-cyrillic, UTF-32) is read as windows-1252, which never fails and keeps ASCII
 * intact. No iconv-lite: it requires all its CJK tables (~480 KB) statically.
 */

/** Misspellings and labels seen in real mail (GLPI keeps a similar table), keyed by compact form (see compact()). */
const ALIASES: Readonly<Record<string, string>> = {
  uft8: 'utf-8',
  utf8mb3: 'utf-8',
  utf8mb4: 'utf-8',
  utf7: 'utf-7',
  unicode11utf7: 'utf-7',
  unicode20utf7: 'utf-7',
  usascii: 'windows-1252',
  ansix341968: 'windows-1252',
  userdefined: 'windows-1252',
  latin7: 'iso-8859-13',
  latin8: 'iso-8859-14',
  latin9: 'iso-8859-15',
  koi8r: 'koi8-r',
  koi8u: 'koi8-u',
  koi8ru: 'koi8-u',
  tis620: 'windows-874',
  macroman: 'macintosh',
  maccyrillic: 'x-mac-cyrillic',
  macukraine: 'x-mac-cyrillic',
  macukrainian: 'x-mac-cyrillic',
  // shift_jis is the Windows-31J (cp932) index, NEC and IBM rows included: same text as cp932, pair for pair.
  shiftjis: 'shift_jis',
  sjis: 'shift_jis',
  mskanji: 'shift_jis',
  windows31j: 'shift_jis',
  ms31j: 'shift_jis',
  eucjp: 'euc-jp',
  eucjpms: 'euc-jp',
  // Escapes beyond plain ISO-2022-JP (JIS X 0212/0213, the -2 G2 sets) decode to U+FFFD; the Japanese around them does not.
  iso2022jp: 'iso-2022-jp',
  iso2022jp1: 'iso-2022-jp',
  iso2022jp2: 'iso-2022-jp',
  iso2022jp3: 'iso-2022-jp',
  iso2022jp2004: 'iso-2022-jp',
  // gbk is cp936 (GB2312, the GBK extension, 0x80 = €): same text as cp936, pair for pair.
  gb2312: 'gbk',
  gb231280: 'gbk',
  euccn: 'gbk',
  // Node's big5 reads every cp950 character as Microsoft's table does.
  big5hkscs: 'big5',
  cnbig5: 'big5',
  // cp949 (Unified Hangul Code) is EUC-KR plus 8,822 syllables, which decodeText adds (uhc.ts).
  euckr: 'euc-kr',
  uhc: 'euc-kr',
  ksc5601: 'euc-kr',
  ksc56011987: 'euc-kr',
  ksc56011989: 'euc-kr',
  // Apple's CJK code pages are the EUC/Shift_JIS/Big5 tables plus a few Apple symbols; the text reads right.
  macjapanese: 'shift_jis',
  macchinesesimp: 'gbk',
  macchinesetrad: 'big5',
  mackorean: 'euc-kr',
};

/**
 * Windows and IBM code page numbers (cp936, windows-936, ms936, ibm866…) with a WHATWG equivalent
 * or superset; 1250–1258 and 28591–28606 (ISO-8859-n) are computed in codePageLabel().
 */
const CODE_PAGES: Readonly<Record<string, string>> = {
  '866': 'ibm866',
  '874': 'windows-874',
  '932': 'shift_jis',
  '936': 'gbk',
  '949': 'euc-kr',
  '950': 'big5',
  '1200': 'utf-16le',
  '1201': 'utf-16be',
  '10000': 'macintosh',
  '10001': 'shift_jis',
  '10002': 'big5',
  '10003': 'euc-kr',
  '10007': 'x-mac-cyrillic',
  '10008': 'gbk',
  '10017': 'x-mac-cyrillic',
  '20127': 'windows-1252',
  '20866': 'koi8-r',
  '20932': 'euc-jp',
  '21866': 'koi8-u',
  '50220': 'iso-2022-jp',
  '50221': 'iso-2022-jp',
  '50222': 'iso-2022-jp',
  '51932': 'euc-jp',
  '51936': 'gbk',
  '51949': 'euc-kr',
  '54936': 'gb18030',
  '65000': 'utf-7',
  '65001': 'utf-8',
};

function codePageLabel(number: string): string | undefined {
  const n = Number(number);
  if (n >= 1250 && n <= 1258) return `windows-${n}`;
  if (n >= 28591 && n <= 28606) return `iso-8859-${n - 28590}`;
  return CODE_PAGES[number];
}

/** WHATWG encoding name by label as written; null where TextDecoder refuses the label. */
const nativeEncodings = new Map<string, string | null>();
const decoderLabels = new Map<string, string | undefined>();
/** Bounds both caches: a mail controls how many distinct labels we see. */
const CACHE_LIMIT = 512;

/** The label as written: trimmed, unquoted, lower-cased (what postal-mime will look up). */
export function canonicalLabel(label: string | undefined | null): string {
  return (label ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
}

/** The WHATWG encoding TextDecoder reads this label (as written) with, e.g. `latin1` → `windows-1252`. Cached. */
function nativeEncoding(label: string): string | undefined {
  let encoding = nativeEncodings.get(label);
  if (encoding === undefined) {
    try {
      encoding = new TextDecoder(label).encoding;
    } catch {
      encoding = null;
    }
    if (nativeEncodings.size < CACHE_LIMIT) nativeEncodings.set(label, encoding);
  }
  return encoding ?? undefined;
}

/**
 * Whether postal-mime (TextDecoder) decodes this label as written without loss. Not euc-kr: ICU's
 * decoder drops the UHC syllables, so Korean text goes through decodeText.
 */
export function isNativeCharset(label: string): boolean {
  const encoding = nativeEncoding(canonicalLabel(label));
  return encoding !== undefined && encoding !== 'euc-kr';
}

/** The label without vendor prefixes, a `:1987` year suffix and separators: `x-mac-ChineseSimp` → `macchinesesimp`. */
function compact(canonical: string): string {
  return canonical
    .replace(/:\d{4}$/, '')
    .replace(/^(?:x-ms-|x-|cs)/, '')
    .replace(/[^0-9a-z]/g, '');
}

function resolveDecoderLabel(canonical: string): string | undefined {
  if (nativeEncoding(canonical) !== undefined) return canonical;
  const short = compact(canonical);
  const codePage = /^(?:cp|windows|win|ms|ibm|dos)?(\d+)$/.exec(short)?.[1];
  const iso8859 = /^iso8859(\d+)$/.exec(short)?.[1];
  const candidate =
    ALIASES[short] ??
    (codePage !== undefined ? codePageLabel(codePage) : undefined) ??
    (iso8859 !== undefined ? `iso-8859-${iso8859}` : undefined) ??
    short;
  return candidate === 'utf-7' || nativeEncoding(candidate) !== undefined ? candidate : undefined;
}

/** The label decodeText reads this charset with (a TextDecoder label or `utf-7`); undefined when none fits. */
export function decoderLabel(label: string | undefined | null): string | undefined {
  const canonical = canonicalLabel(label);
  if (decoderLabels.has(canonical)) return decoderLabels.get(canonical);
  const resolved = resolveDecoderLabel(canonical);
  if (decoderLabels.size < CACHE_LIMIT) decoderLabels.set(canonical, resolved);
  return resolved;
}

/** Whether a decoder of ours knows the label (natively or through an alias). */
export function isKnownCharset(label: string): boolean {
  return decoderLabel(label) !== undefined;
}

/** Decodes bytes in the given charset; unknown labels fall back to windows-1252 (never throws). */
export function decodeText(bytes: Uint8Array, label: string | undefined | null): string {
  const decoder = decoderLabel(canonicalLabel(label) || 'utf-8') ?? 'windows-1252';
  if (decoder === 'utf-7') return decodeUtf7(bytes);
  if (nativeEncoding(decoder) === 'euc-kr') return decodeUhc(bytes);
  return new TextDecoder(decoder).decode(bytes);
}

/** Strict UTF-8 check (no replacement characters needed). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export function hasEightBitBytes(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

/**
 * The charset to decode with: the decoder label for the declared one, except that
 * - ISO-2022-JP is a 7-bit encoding; Japanese mailers that label Shift_JIS text as ISO-2022-JP are
 *   common enough that Zammad carries a fix for it. Eight-bit bytes under that label are Shift_JIS
 *   (Windows-31J) in practice.
 * - undeclared (or US-ASCII) 8-bit text is UTF-8 when it is valid UTF-8, else what `guess`
 *   (charset-guess.ts) is sure of, else windows-1252.
 * A label no decoder knows is returned as it is (decodeText reads it as windows-1252).
 */
export function effectiveCharset(
  label: string | undefined | null,
  bytes: Uint8Array,
  /** How undeclared 8-bit text is guessed (charset-guess.ts; absent: no guess). */
  guess?: (bytes: Uint8Array) => string | undefined,
): string {
  const canonical = canonicalLabel(label);
  const decoder = decoderLabel(canonical);
  const iso2022jp = decoder !== undefined && nativeEncoding(decoder) === 'iso-2022-jp';
  if ((iso2022jp || /^iso-?2022-?jp/.test(canonical)) && hasEightBitBytes(bytes)) return 'shift_jis';
  if ((canonical === '' || canonical === 'us-ascii' || canonical === 'ascii') && hasEightBitBytes(bytes)) {
    return isValidUtf8(bytes) ? 'utf-8' : (guess?.(bytes) ?? 'windows-1252');
  }
  return decoder ?? (canonical || 'utf-8');
}

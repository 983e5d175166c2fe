import iconv from 'iconv-lite';

/**
 * Character sets of incoming mail. Node's TextDecoder knows the WHATWG labels (which postal-mime
 * uses); iconv-lite adds what it lacks (UTF-7, cp932, and the rest of the legacy code pages). A
 * label neither knows is read as windows-1252, which never fails and keeps ASCII intact.
 */

/** Misspellings and vendor labels seen in real mail, mapped to a label a decoder knows (GLPI keeps a similar table). */
const LABEL_FIXES: Readonly<Record<string, string>> = {
  'uft-8': 'utf-8',
  utf8mb4: 'utf-8',
  'unicode-1-1-utf-7': 'utf-7',
  'x-unicode-2-0-utf-7': 'utf-7',
  'ks_c_5601-1989': 'euc-kr',
  'iso-8859-8-i': 'iso-8859-8',
  'x-user-defined': 'windows-1252',
};

const nativeSupport = new Map<string, boolean>();

/** The lower-cased label with known misspellings fixed. */
export function canonicalLabel(label: string | undefined | null): string {
  const lower = (label ?? '')
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  return LABEL_FIXES[lower] ?? lower;
}

/** Whether TextDecoder (and so postal-mime) decodes this label itself. Cached: a mail controls how often we ask. */
export function isNativeCharset(label: string): boolean {
  const canonical = canonicalLabel(label);
  let known = nativeSupport.get(canonical);
  if (known === undefined) {
    try {
      new TextDecoder(canonical);
      known = true;
    } catch {
      known = false;
    }
    if (nativeSupport.size < 512) nativeSupport.set(canonical, known);
  }
  return known;
}

/** Whether a decoder of ours (native or iconv-lite) knows the label. */
export function isKnownCharset(label: string): boolean {
  const canonical = canonicalLabel(label);
  return isNativeCharset(canonical) || iconv.encodingExists(canonical);
}

/** Decodes bytes in the given charset; unknown labels fall back to windows-1252 (never throws). */
export function decodeText(bytes: Uint8Array, label: string | undefined | null): string {
  const canonical = canonicalLabel(label) || 'utf-8';
  if (isNativeCharset(canonical)) return new TextDecoder(canonical).decode(bytes);
  if (iconv.encodingExists(canonical)) return iconv.decode(Buffer.from(bytes), canonical);
  return new TextDecoder('windows-1252').decode(bytes);
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
 * ISO-2022-JP is a 7-bit encoding; Japanese mailers that label Shift_JIS text as ISO-2022-JP are
 * common enough that Zammad carries a fix for it. Eight-bit bytes under that label are Shift_JIS
 * (Windows-31J) in practice.
 */
export function effectiveCharset(label: string | undefined | null, bytes: Uint8Array): string {
  const canonical = canonicalLabel(label);
  if (/^iso-?2022-?jp/.test(canonical) && hasEightBitBytes(bytes)) return 'shift_jis';
  if ((canonical === '' || canonical === 'us-ascii' || canonical === 'ascii') && hasEightBitBytes(bytes)) {
    // Undeclared 8-bit text: UTF-8 when it is valid UTF-8, else the most common legacy default.
    return isValidUtf8(bytes) ? 'utf-8' : 'windows-1252';
  }
  return canonical || 'utf-8';
}

/**
 * Korean mail (ks_c_5601-1987, euc-kr, cp949, uhc) is in practice Microsoft's Unified Hangul Code
 * (cp949): EUC-KR plus the 8,822 Hangul syllables KS X 1001 lacks, at lead bytes 0x81–0xC6. The
 * WHATWG euc-kr index includes them, but Node's TextDecoder (ICU) decodes only the EUC-KR part and
 * turns those syllables into U+FFFD. The extension is algorithmic (the missing syllables in Unicode
 * order fill its cells in byte order), so it is derived once from TextDecoder instead of shipped.
 */

const eucKr = new TextDecoder('euc-kr');
const FIRST_SYLLABLE = 0xac00;
const LAST_SYLLABLE = 0xd7a3;
/** Added to cp949 and WHATWG euc-kr in 1998 (KS X 1001:1998), absent from ICU's euc-kr. */
const LATER_ADDITIONS: ReadonlyMap<number, string> = new Map([
  [0xa2e6, '\u20ac'],
  [0xa2e7, '\u00ae'],
]);
let extension: readonly string[] | undefined;

/** The syllables KS X 1001 lacks, in Unicode order (its own 2,350 are at 0xB0A1–0xC8FE). */
function extensionSyllables(): readonly string[] {
  if (extension) return extension;
  const pairs: number[] = [];
  for (let lead = 0xb0; lead <= 0xc8; lead++)
    for (let trail = 0xa1; trail <= 0xfe; trail++) pairs.push(lead, trail);
  const inKsX1001 = new Set(eucKr.decode(new Uint8Array(pairs)));
  const missing: string[] = [];
  for (let code = FIRST_SYLLABLE; code <= LAST_SYLLABLE; code++) {
    const syllable = String.fromCharCode(code);
    if (!inKsX1001.has(syllable)) missing.push(syllable);
  }
  extension = missing;
  return missing;
}

/** Cell number of an extension byte pair (26 upper, 26 lower letters, then high trails), or -1. */
function extensionIndex(lead: number, trail: number): number {
  if (lead < 0x81 || lead > 0xc6) return -1;
  const highTrails = lead < 0xa1 ? 126 : 32; // 0x81–0xFE below row 0xA1, 0x81–0xA0 from it (EUC-KR owns the rest)
  let column: number;
  if (trail >= 0x41 && trail <= 0x5a) column = trail - 0x41;
  else if (trail >= 0x61 && trail <= 0x7a) column = 26 + trail - 0x61;
  else if (trail >= 0x81 && trail < 0x81 + highTrails) column = 52 + trail - 0x81;
  else return -1;
  const row = lead < 0xa1 ? (lead - 0x81) * 178 : 32 * 178 + (lead - 0xa1) * 84;
  return row + column;
}

function extensionChar(lead: number, trail: number): string | undefined {
  const index = extensionIndex(lead, trail);
  if (index >= 0) return extensionSyllables()[index] ?? '\ufffd';
  return LATER_ADDITIONS.get((lead << 8) | trail);
}

/** Decodes cp949: extension pairs here, everything between them with TextDecoder's euc-kr. */
export function decodeUhc(bytes: Uint8Array): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    const lead = bytes[i]!;
    if (lead < 0x81 || lead === 0xff || i + 1 === bytes.length) continue;
    const char = extensionChar(lead, bytes[i + 1]!);
    if (char !== undefined) {
      if (start < i) out += eucKr.decode(bytes.subarray(start, i));
      out += char;
      start = i + 2;
    }
    i++; // a lead byte takes the next byte as its trail
  }
  return out + eucKr.decode(bytes.subarray(start));
}

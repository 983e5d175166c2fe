/**
 * UTF-7 (RFC 2152), which old Outlook and Exchange versions still send and TextDecoder does not
 * know. Text is ASCII except for shifted runs: `+`, then modified base64 (no padding) of UTF-16BE
 * code units, ended by the first character outside the base64 alphabet; a `-` ending a run is
 * absorbed, and `+-` stands for `+`. Leftover bits of a run are discarded (RFC 2152, "Rule 2").
 */

const SHIFTED_RUN = /\+([A-Za-z0-9+/]*)-?/g;

/** Decodes leniently: a lone `+` stays `+`; 8-bit bytes, invalid in UTF-7, read as windows-1252. */
export function decodeUtf7(bytes: Uint8Array): string {
  const text = new TextDecoder('windows-1252').decode(bytes);
  return text.replace(SHIFTED_RUN, (_run, base64: string) => (base64 === '' ? '+' : decodeShifted(base64)));
}

function decodeShifted(base64: string): string {
  const units = Buffer.from(base64, 'base64');
  // An odd trailing byte is leftover bits, not a code unit.
  return new TextDecoder('utf-16be').decode(units.subarray(0, units.length & ~1));
}

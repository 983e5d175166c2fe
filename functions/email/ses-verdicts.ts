/**
 * SES's spam and virus verdicts. With the S3 action they arrive as headers SES adds on top of the
 * stored mail (`X-SES-Spam-Verdict`, `X-SES-Virus-Verdict`: PASS, FAIL, GRAY, PROCESSING_FAILED).
 * Any FAIL quarantines the mail: a sender can add such a header to get their own mail quarantined,
 * but can never hide SES's FAIL behind a PASS of their own.
 */
export interface VerdictResult {
  readonly failed: boolean;
  readonly reasons: readonly string[];
}

/** Header bytes scanned (the verdicts are among the first headers). */
const HEADER_SCAN_BYTES = 256 * 1024;

export function sesVerdicts(raw: Uint8Array): VerdictResult {
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, HEADER_SCAN_BYTES)).toString(
    'latin1',
  );
  const end = head.search(/\r?\n\r?\n/);
  const headerBlock = end < 0 ? head : head.slice(0, end);
  const reasons: string[] = [];
  for (const match of headerBlock.matchAll(/^x-ses-(spam|virus)-verdict:[ \t]*([A-Z_]+)/gim)) {
    if (match[2]!.toUpperCase() === 'FAIL') reasons.push(`SES ${match[1]!.toLowerCase()} verdict FAIL`);
  }
  return { failed: reasons.length > 0, reasons: [...new Set(reasons)] };
}

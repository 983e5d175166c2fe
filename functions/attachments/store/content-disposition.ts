/**
 * `attachment` with the name in RFC 6266 form (an ASCII fallback plus the UTF-8 name): downloads
 * are never rendered inline, so an uploaded HTML file cannot run in the storage origin.
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

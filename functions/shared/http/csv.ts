/**
 * CSV for the reports (`Accept: text/csv` on every `GET /reports/*`; docs/reports.md#csv), RFC 4180:
 * CRLF line ends, a header row, fields quoted when they hold a comma, quote, CR or LF, quotes
 * doubled. Cells a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, TAB or CR)
 * get a leading `'` (OWASP's CSV-injection advice), except plain numbers, which stay numbers.
 */

/** Top-level fields that hold a report's rows, in the order looked for. */
export const CSV_ROW_FIELDS = ['rows', 'items', 'priorities', 'outages'] as const;

type Cell = string | number | boolean | null | undefined;

/** Nested objects become dotted columns (`mtta.meanMinutes`); arrays become JSON text in one cell. */
export function flatten(value: unknown, prefix = '', into: Record<string, Cell> = {}): Record<string, Cell> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) into[prefix] = '';
    for (const [key, inner] of entries) flatten(inner, prefix ? `${prefix}.${key}` : key, into);
    return into;
  }
  into[prefix || 'value'] = Array.isArray(value) ? JSON.stringify(value) : (value as Cell);
  return into;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i;

/** One cell as text: injection-safe, quoted when needed. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A report body as CSV: one line per row of its row field (rows, items, priorities, outages),
 * each row flattened, with the body's other scalar fields (from, to, freshness.asOf…) repeated
 * as leading columns so a sheet of several exports stays self-describing; a body without a row
 * field is one line.
 */
export function reportToCsv(body: unknown): string {
  const record = (body ?? {}) as Record<string, unknown>;
  const rowField = CSV_ROW_FIELDS.find((field) => Array.isArray(record[field]));
  // The body's other scalar fields lead each line; arrays beside the rows stay out of it.
  const context = rowField
    ? flatten(
        Object.fromEntries(
          Object.entries(record).filter(([key, value]) => key !== rowField && !Array.isArray(value)),
        ),
      )
    : {};
  const rows = rowField
    ? (record[rowField] as unknown[]).map((row) => ({ ...context, ...flatten(row) }))
    : [flatten(record)];
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows.length > 0 ? rows : [context]) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  const lines = [columns.map(csvCell).join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvCell(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Whether the Accept header asks for CSV before JSON (no q-value arithmetic: the first named wins). */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept
    .toLowerCase()
    .split(',')
    .map((part) => part.split(';')[0]!.trim());
  const csv = types.indexOf('text/csv');
  if (csv === -1) return false;
  const json = types.indexOf('application/json');
  return json === -1 || csv < json;
}

import { describe, expect, it } from 'vitest';
import { csvCell, flatten, reportToCsv, wantsCsv } from '../../functions/shared/http/csv.js';

describe('report CSV', () => {
  it('quotes per RFC 4180 and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12.5)).toBe('12.5');
    expect(csvCell(false)).toBe('false');
  });

  it('neutralises cells a spreadsheet would run as formulas, but not negative numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('-2.5')).toBe('-2.5');
    expect(csvCell(-2.5)).toBe('-2.5');
  });

  it('flattens nested objects to dotted columns and arrays to JSON', () => {
    expect(flatten({ key: 'a', mtta: { meanMinutes: 1, p50Minutes: null }, list: [1, 2] })).toEqual({
      key: 'a',
      'mtta.meanMinutes': 1,
      'mtta.p50Minutes': null,
      list: '[1,2]',
    });
  });

  it('writes one line per row with the report fields first, CRLF line ends', () => {
    const csv = reportToCsv({
      from: '2026-01-01',
      to: '2026-02-01',
      freshness: { asOf: '2026-01-31T10:00:00.000Z' },
      rows: [
        { key: 'net', sla: { met: 1, breached: 0 } },
        { key: '=evil', sla: { met: 0, breached: 2 } },
      ],
    });
    expect(csv).toBe(
      'from,to,freshness.asOf,key,sla.met,sla.breached\r\n' +
        '2026-01-01,2026-02-01,2026-01-31T10:00:00.000Z,net,1,0\r\n' +
        "2026-01-01,2026-02-01,2026-01-31T10:00:00.000Z,'=evil,0,2\r\n",
    );
  });

  it('writes a body without rows as one line, and an empty report as its header', () => {
    expect(reportToCsv({ serviceId: 's', availabilityPercent: 99.5 })).toBe(
      'serviceId,availabilityPercent\r\ns,99.5\r\n',
    );
    expect(reportToCsv({ from: 'a', rows: [] })).toBe('from\r\n');
  });

  it('picks CSV only when asked before JSON', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('text/csv;charset=utf-8, application/json;q=0.5')).toBe(true);
    expect(wantsCsv('application/json, text/csv')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});

import { csvCell, guessMapping, leadsToCsv, parseCsv } from './lead-import';

describe('parseCsv', () => {
  it('reads quoted cells with commas, doubled quotes and line breaks, and CRLF rows', () => {
    const rows = parseCsv('\uFEFFname,phone,need\r\n"כהן, דנה",050-1234567,"אמרה ""דחוף""\nמחר"\r\nיוסי,0527654321,\r\n');
    expect(rows).toEqual([
      ['name', 'phone', 'need'],
      ['כהן, דנה', '050-1234567', 'אמרה "דחוף"\nמחר'],
      ['יוסי', '0527654321', ''],
    ]);
  });

  it('takes the delimiter from the header line (semicolons from a Hebrew Excel) and drops empty lines', () => {
    expect(parseCsv('שם;טלפון\n\nרון;053-1112233')).toEqual([
      ['שם', 'טלפון'],
      ['רון', '053-1112233'],
    ]);
  });

  it('keeps a last line without a newline', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });
});

describe('guessMapping', () => {
  it('finds Hebrew and English header names, and leaves unknown fields unmapped', () => {
    expect(guessMapping(['טלפון', 'שם מלא', 'something'])).toEqual({ fullName: 1, phone: 0, email: null, need: null });
    expect(guessMapping(['Full Name', 'E-mail', 'Mobile', 'Notes'])).toEqual({ fullName: 0, phone: 2, email: 1, need: 3 });
  });
});

describe('leadsToCsv', () => {
  it('neutralises cells that a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    const csv = leadsToCsv([{ fullName: '@dana', phoneE164: '+972501234567', email: null, statusKey: 'new', source: 'crm', need: 'a "b"', createdAt: new Date('2026-01-02T03:04:05Z') }]);
    expect(csv).toBe('\uFEFFfull_name,phone,email,status,source,need,created_at\r\n"\'@dana","+972501234567","","new","crm","a ""b""",2026-01-02T03:04:05.000Z\r\n');
  });
});

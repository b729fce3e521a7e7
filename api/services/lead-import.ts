import { upsertLeadByPhone } from '../../activities/booking';
import { normalizeName } from '../../activities/leads';
import type { Lead } from '../../data';
import { extractPhoneNumber } from '../../domain';
import { requirePermission, type Actor } from '../../domain/policy';
import { leadCreateBody } from '../routes/leads';
import type { AuditWriter } from './audit-writer';

/**
 * Leads in and out as CSV. Parsing and column guessing are pure; the import runs in the
 * caller's tenant transaction and dedupes by phone exactly as POST /leads does
 * (upsertLeadByPhone): a known phone updates that lead, a phone seen earlier in the same
 * file is skipped, a row the lead schema refuses is skipped with its reason.
 */

export const MAX_IMPORT_ROWS = 5_000;
export const LEAD_IMPORT_FIELDS = ['fullName', 'phone', 'email', 'need'] as const;
export type LeadImportField = (typeof LEAD_IMPORT_FIELDS)[number];
/** Column index per field; null = not imported. */
export type LeadImportMapping = Record<LeadImportField, number | null>;

/** RFC 4180 CSV (quotes, doubled quotes, CRLF), with the delimiter (, ; or tab) taken from the first line and a BOM dropped. */
export function parseCsv(text: string): string[][] {
  const source = text.replace(/^\uFEFF/, '');
  const firstLine = source.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [',', ';', '\t'].reduce((best, candidate) => (firstLine.split(candidate).length > firstLine.split(best).length ? candidate : best), ',');
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (quoted) {
      if (char === '"' && source[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"' && cell === '') {
      quoted = true;
    } else if (char === delimiter) {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else {
      cell += char;
    }
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((value) => value.trim() !== ''));
}

const HEADER_NAMES: Record<LeadImportField, readonly string[]> = {
  fullName: ['full name', 'fullname', 'full_name', 'name', 'customer', 'contact', 'שם', 'שם מלא', 'לקוח', 'איש קשר'],
  phone: ['phone', 'phone number', 'mobile', 'cell', 'tel', 'telephone', 'טלפון', 'נייד', 'מספר טלפון', 'פלאפון'],
  email: ['email', 'e-mail', 'mail', 'email address', 'דוא"ל', 'דואל', 'אימייל', 'מייל', 'דואר אלקטרוני'],
  need: ['need', 'notes', 'note', 'comment', 'comments', 'description', 'צורך', 'הערות', 'הערה', 'תיאור', 'פניה'],
};

/** Which column holds which field, judged by the header names (Hebrew or English). */
export function guessMapping(headers: readonly string[]): LeadImportMapping {
  const normalized = headers.map((header) => header.trim().toLowerCase().replace(/\s+/g, ' '));
  const mapping = {} as LeadImportMapping;
  for (const field of LEAD_IMPORT_FIELDS) {
    const index = normalized.findIndex((header) => HEADER_NAMES[field].includes(header));
    mapping[field] = index >= 0 ? index : null;
  }
  return mapping;
}

export type SkipReason = 'invalid_name' | 'invalid_phone' | 'invalid_email' | 'invalid_need' | 'duplicate_in_file';

export interface ImportReport {
  created: number;
  updated: number;
  skipped: Array<{ row: number; reason: SkipReason }>;
}

export interface LeadImportContext {
  auth: Actor;
  businessId: string;
  audit: AuditWriter;
}

/** Imports the data rows (header excluded; `row` numbers in the report count the header as row 1). */
export async function importLeads(ctx: LeadImportContext, dataRows: readonly string[][], mapping: LeadImportMapping): Promise<ImportReport> {
  requirePermission(ctx.auth, 'lead.write');
  const report: ImportReport = { created: 0, updated: 0, skipped: [] };
  const seenPhones = new Set<string>();
  const cell = (cells: readonly string[], field: LeadImportField) => {
    const index = mapping[field];
    return index === null ? '' : (cells[index] ?? '').trim();
  };
  for (const [i, cells] of dataRows.slice(0, MAX_IMPORT_ROWS).entries()) {
    const row = i + 2;
    const candidate = Object.fromEntries(LEAD_IMPORT_FIELDS.map((field) => [field, cell(cells, field)]).filter(([, value]) => value !== ''));
    const parsed = leadCreateBody.safeParse(candidate);
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? 'fullName');
      report.skipped.push({ row, reason: field === 'phone' ? 'invalid_phone' : field === 'email' ? 'invalid_email' : field === 'need' ? 'invalid_need' : 'invalid_name' });
      continue;
    }
    const phone = extractPhoneNumber(parsed.data.phone).e164;
    if (!phone) {
      report.skipped.push({ row, reason: 'invalid_phone' });
      continue;
    }
    if (seenPhones.has(phone)) {
      report.skipped.push({ row, reason: 'duplicate_in_file' });
      continue;
    }
    seenPhones.add(phone);
    const { created } = await upsertLeadByPhone(ctx.businessId, {
      fullName: normalizeName(parsed.data.fullName),
      phone,
      email: parsed.data.email ?? null,
      need: parsed.data.need ?? null,
      source: 'import',
    });
    if (created) report.created++;
    else report.updated++;
  }
  await ctx.audit({ action: 'lead.import', businessId: ctx.businessId, targetType: 'leads', details: { created: report.created, updated: report.updated, skipped: report.skipped.length } });
  return report;
}

/** A cell that spreadsheets will not run as a formula (=, +, -, @ get a leading apostrophe). */
export function csvCell(value: string | null | undefined): string {
  return `"${(value ?? '').replace(/"/g, '""').replace(/^[=+\-@]/, "'$&")}"`;
}

/** A stored E.164 number (+ and digits only, checked by the database) is no formula: kept as it is. */
function e164Cell(phone: string | null): string {
  return phone && /^\+\d{7,15}$/.test(phone) ? `"${phone}"` : csvCell(phone);
}

export function leadsToCsv(leads: readonly Pick<Lead, 'fullName' | 'phoneE164' | 'email' | 'statusKey' | 'source' | 'need' | 'createdAt'>[]): string {
  const lines = ['full_name,phone,email,status,source,need,created_at'];
  for (const lead of leads) {
    lines.push([csvCell(lead.fullName), e164Cell(lead.phoneE164), csvCell(lead.email), csvCell(lead.statusKey), csvCell(lead.source), csvCell(lead.need), lead.createdAt.toISOString()].join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

import { fail } from '@sveltejs/kit';
import { guessMapping, importLeads, LEAD_IMPORT_FIELDS, MAX_IMPORT_ROWS, parseCsv, type LeadImportMapping } from '$api/services/lead-import';
import { audit } from '$lib/server/audit';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import type { Actions, PageServerLoad } from './$types';

const MAX_CSV_BYTES = 2 * 1024 * 1024;
const PREVIEW_ROWS = 5;

export const load: PageServerLoad = () => {
	requireTenant('lead.write');
	return { fields: [...LEAD_IMPORT_FIELDS], maxRows: MAX_IMPORT_ROWS };
};

/** The CSV text from the uploaded file, or from the text carried over from the preview. */
async function csvText(form: FormData): Promise<string | null> {
	const file = form.get('file');
	if (file instanceof File && file.size > 0) return file.size > MAX_CSV_BYTES ? null : file.text();
	const text = form.get('csv');
	return typeof text === 'string' && text.length > 0 && text.length <= MAX_CSV_BYTES ? text : null;
}

function preview(csv: string, mapping?: LeadImportMapping) {
	const rows = parseCsv(csv);
	const headers = rows[0] ?? [];
	return { csv, headers, sample: rows.slice(1, 1 + PREVIEW_ROWS), rowCount: Math.max(0, rows.length - 1), mapping: mapping ?? guessMapping(headers) };
}

export const actions: Actions = {
	/** Step 1: read the file, show the first rows and a column mapping guessed from the headers. */
	preview: async ({ request }) => {
		requireTenant('lead.write');
		const csv = await csvText(await request.formData());
		if (!csv) return fail(400, { step: 'upload', error: 'file' as const });
		const shown = preview(csv);
		if (shown.rowCount === 0) return fail(400, { step: 'upload', error: 'empty' as const });
		if (shown.rowCount > MAX_IMPORT_ROWS) return fail(400, { step: 'upload', error: 'tooMany' as const });
		return { step: 'map', ...shown };
	},

	/** Step 2: import with the chosen mapping; dedupe by phone; a report of created, updated and skipped rows. */
	import: async ({ request }) => {
		const auth = requireTenant('lead.write');
		const form = await request.formData();
		const csv = await csvText(form);
		if (!csv) return fail(400, { step: 'upload', error: 'file' as const });
		const rows = parseCsv(csv);
		const headers = rows[0] ?? [];
		const mapping = {} as LeadImportMapping;
		for (const field of LEAD_IMPORT_FIELDS) {
			const index = Number.parseInt(String(form.get(`map-${field}`) ?? ''), 10);
			mapping[field] = Number.isInteger(index) && index >= 0 && index < headers.length ? index : null;
		}
		if (mapping.fullName === null || mapping.phone === null) return fail(400, { step: 'map', ...preview(csv, mapping), error: 'mapping' as const });
		if (rows.length - 1 > MAX_IMPORT_ROWS) return fail(400, { step: 'upload', error: 'tooMany' as const });
		const report = await db().withTenant(tenantIdentity(auth), () => importLeads({ auth, businessId: auth.businessId, audit }, rows.slice(1), mapping));
		return { step: 'done', report };
	}
};

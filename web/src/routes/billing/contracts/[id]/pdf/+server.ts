import { error } from '@sveltejs/kit';
import { findContract, signedPdfOf } from '$data/billing';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { pdfResponse } from '$lib/server/billing';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { RequestHandler } from './$types';

/** The signed contract PDF (owner only, inside the business's tenant transaction). */
export const GET: RequestHandler = async ({ params }) => {
	const auth = requireTenant('billing.read');
	if (!isUuid(params.id)) error(404, 'contract not found');
	const pdf = await db().withTenant(tenantIdentity(auth), async () => ((await findContract(params.id)) ? signedPdfOf(params.id) : null));
	if (!pdf) error(404, 'signed PDF not found');
	return pdfResponse(pdf, `contract-${params.id}.pdf`);
};

import { fail } from '@sveltejs/kit';
import { decodeSignaturePng, openSigningContract, submitContractSignature } from '$orchestration';
import { db, temporal } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

/**
 * The customer's signing page (no login: the link's token is the key). The same shared service
 * as the API's public routes checks the token, its expiry and single use, and records the
 * signature with the time, the IP and the hash of the document shown here.
 */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export const load: PageServerLoad = async ({ params, url }) => {
	const token = url.searchParams.get('token') ?? '';
	if (!isUuid(params.id) || !TOKEN.test(token)) return { token, contract: null, refusal: 'not_found' as const };
	const opened = await openSigningContract(db(), params.id, token);
	if (!opened.ok) return { token, contract: null, refusal: opened.refusal };
	return { token, contract: opened.value, refusal: null };
};

export const actions: Actions = {
	default: async ({ params, request, getClientAddress }) => {
		const form = await request.formData();
		const text = (name: string) => {
			const value = form.get(name);
			return typeof value === 'string' ? value.trim() : '';
		};
		const token = text('token');
		const typedName = text('typedName');
		const errors: Record<string, true> = {};
		const png = decodeSignaturePng(text('signaturePng'));
		if (!png) errors.signature = true;
		if (typedName.length < 2 || typedName.length > 200) errors.typedName = true;
		if (text('consent') !== 'yes') errors.consent = true;
		if (Object.keys(errors).length) return fail(400, { errors, typedName });
		if (!isUuid(params.id) || !TOKEN.test(token) || !/^[0-9a-f]{64}$/.test(text('documentHash'))) {
			return fail(404, { refusal: 'not_found' as const, typedName });
		}
		const signed = await submitContractSignature(db(), await temporal(), params.id, {
			token,
			typedName,
			signaturePng: png!,
			documentHash: text('documentHash'),
			ip: getClientAddress(),
			userAgent: request.headers.get('user-agent')?.slice(0, 500) ?? null
		});
		if (!signed.ok) return fail(signed.refusal === 'not_found' ? 404 : 409, { refusal: signed.refusal, typedName });
		return { signed: true };
	}
};

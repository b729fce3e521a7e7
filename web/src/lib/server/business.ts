import { Business, businessRulesOf } from '$data';

/** The business's time zone (call inside withTenant). */
export async function businessTimeZone(businessId: string): Promise<string> {
	const business = await Business.findByPk(businessId, { rejectOnEmpty: true });
	return businessRulesOf(business).timeZone;
}

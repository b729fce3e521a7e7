import { error } from '@sveltejs/kit';
import { Call, Lead } from '$data';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import { appointmentWorkflowUrl } from '$lib/server/leads';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const auth = requireTenant('call.read');
	if (!isUuid(params.id)) error(404, 'call not found');
	const found = await db().withTenant(tenantIdentity(auth), async () => {
		const call = await Call.findByPk(params.id);
		if (!call) return null;
		const [lead, timeZone] = await Promise.all([call.leadId ? Lead.findByPk(call.leadId, { attributes: ['id', 'fullName'] }) : null, businessTimeZone(auth.businessId)]);
		return { call, lead, timeZone };
	});
	if (!found) error(404, 'call not found');
	const { call, lead, timeZone } = found;
	return {
		timeZone,
		call: {
			id: call.id,
			callSid: call.callSid,
			direction: call.direction,
			from: call.fromE164,
			to: call.toE164,
			status: call.status,
			outcome: call.outcome,
			startedAt: (call.startedAt ?? call.createdAt).toISOString(),
			durationSeconds: call.durationSeconds,
			summary: call.summary,
			transcript: call.transcript,
			toolCalls: call.toolCalls.map((tool) => ({ name: tool.name, at: tool.at, ok: tool.ok, args: JSON.stringify(tool.args ?? {}), result: JSON.stringify(tool.result ?? {}) })),
			costUsd: Number(call.costUsd),
			inputTokens: call.inputTokens,
			outputTokens: call.outputTokens,
			audioInSeconds: call.audioInSeconds,
			audioOutSeconds: call.audioOutSeconds,
			hasRecording: Boolean(call.recordingPath && !call.recordingDeletedAt),
			recordingDeleted: Boolean(call.recordingDeletedAt),
			workflowUrl: appointmentWorkflowUrl(call.workflowId)
		},
		lead: lead ? { id: lead.id, fullName: lead.fullName } : null
	};
};

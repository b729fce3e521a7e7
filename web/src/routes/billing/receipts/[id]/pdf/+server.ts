import { documentPdfResponse } from '$lib/server/billing';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ params }) => documentPdfResponse('receipt', params.id);

import { z } from 'zod';
import { requirePermission } from '../../domain/policy';
import { BillingInputError, ISRAELI_VAT_RATE_BPS, computeTotals } from '../../domain/billing/money';
import { Business, Lead, type Database } from '../../data';
import {
  OFFER_STATUSES,
  createOffer,
  deleteDraftOffer,
  findContractByOffer,
  findOffer,
  findTemplate,
  listOffers,
  replaceDraftOffer,
  type OfferInput,
  type OfferRecord,
} from '../../data/billing';
import { billingDealView, cancelOffer, sendOffer } from '../../orchestration';
import { workflowIds } from '../../temporal-config';
import { historyUrl } from './booking-deps';
import { BILLING_MESSAGES as M, billingInputHttpError, identityOf, type BillingDeps } from './billing-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const lineSchema = z.strictObject({
  description: z.string().trim().min(1).max(500),
  quantity: z.number().positive().max(1_000_000),
  unitPriceAgorot: z.number().int().min(0).max(10_000_000_000),
  discountBps: z.number().int().min(0).max(10_000).optional(),
  discountAgorot: z.number().int().min(0).max(10_000_000_000).optional(),
});

const offerFields = {
  leadId: z.uuid(),
  title: z.string().trim().min(1).max(200),
  locale: z.enum(['he', 'en']),
  lines: z.array(lineSchema).min(1).max(200),
  vatRateBps: z.number().int().min(0).max(10_000),
  documentDiscountAgorot: z.number().int().min(0).max(10_000_000_000),
  validUntil: z.iso.date().nullable(),
  notes: z.string().trim().max(4000).nullable(),
  templateId: z.uuid().nullable(),
};

/** Body of POST /billing/offers; the CRM's offer form validates with it too. */
export const offerCreateBody = z.strictObject({
  leadId: offerFields.leadId,
  title: offerFields.title,
  locale: offerFields.locale.optional(),
  lines: offerFields.lines,
  vatRateBps: offerFields.vatRateBps.optional(),
  documentDiscountAgorot: offerFields.documentDiscountAgorot.optional(),
  validUntil: offerFields.validUntil.optional(),
  notes: offerFields.notes.optional(),
  templateId: offerFields.templateId.optional(),
});
export const offerUpdateBody = offerCreateBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' });

const lineDto = z.object({
  position: z.number(),
  description: z.string(),
  quantity: z.number(),
  unitPriceAgorot: z.number(),
  discountBps: z.number().nullable(),
  discountAgorot: z.number(),
  netAgorot: z.number(),
});
const offerDto = z.object({
  id: z.uuid(),
  leadId: z.uuid(),
  title: z.string(),
  locale: z.enum(['he', 'en']),
  currency: z.literal('ILS'),
  vatRateBps: z.number(),
  documentDiscountAgorot: z.number(),
  subtotalAgorot: z.number(),
  netAgorot: z.number(),
  vatAgorot: z.number(),
  totalAgorot: z.number(),
  validUntil: z.string().nullable(),
  notes: z.string().nullable(),
  templateId: z.uuid().nullable(),
  status: z.enum(OFFER_STATUSES),
  createdAt: z.string(),
  lines: z.array(lineDto),
  workflowUrl: z.string().nullable(),
});

export function billingOfferRoutes(db: Database, deps: BillingDeps): AnyRoute[] {
  const toDto = (offer: OfferRecord): z.infer<typeof offerDto> => {
    const { workflowId, ...rest } = offer;
    return { ...rest, workflowUrl: historyUrl(deps, workflowId) };
  };

  /** Validates references and computes the totals; money-rule refusals become 400s naming the field. */
  const buildInput = async (body: z.infer<typeof offerCreateBody>, businessId: string): Promise<OfferInput> => {
    if (!(await Lead.count({ where: { id: body.leadId } }))) throw new LocalizedHttpError(400, 'unknown_reference', M.leadNotFound);
    if (body.templateId && !(await findTemplate(body.templateId))) throw new LocalizedHttpError(400, 'unknown_reference', M.templateNotFound);
    const locale = body.locale ?? (await Business.findByPk(businessId, { rejectOnEmpty: true })).locale;
    try {
      const totals = computeTotals(body.lines, { vatRateBps: body.vatRateBps ?? ISRAELI_VAT_RATE_BPS, documentDiscountAgorot: body.documentDiscountAgorot ?? 0 });
      return { leadId: body.leadId, title: body.title, locale, validUntil: body.validUntil ?? null, notes: body.notes ?? null, templateId: body.templateId ?? null, lines: body.lines, totals };
    } catch (error) {
      if (error instanceof BillingInputError) throw billingInputHttpError(error);
      throw error;
    }
  };

  return [
    defineRoute({
      id: 'billing.offers.list',
      method: 'get',
      path: '/billing/offers',
      summary: 'Offers, newest first (filter by lead or status)',
      tag: 'billing',
      scope: 'tenant',
      query: z.strictObject({ leadId: z.uuid().optional(), status: z.enum(OFFER_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(200).default(100) }),
      response: { status: 200, description: 'Offers', schema: z.object({ offers: z.array(offerDto) }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'billing.read');
        return { body: { offers: (await listOffers(query)).map(toDto) } };
      },
    }),
    defineRoute({
      id: 'billing.offers.create',
      method: 'post',
      path: '/billing/offers',
      summary: 'Create a draft offer: line items in agorot, VAT (default 18%), discounts; totals computed here',
      tag: 'billing',
      scope: 'tenant',
      body: offerCreateBody,
      response: { status: 201, description: 'Created', schema: z.object({ offer: offerDto }) },
      handler: async ({ auth, body, businessId }) => {
        requirePermission(auth, 'billing.write');
        const offer = await createOffer(await buildInput(body, businessId));
        return { status: 201, body: { offer: toDto(offer) } };
      },
    }),
    defineRoute({
      id: 'billing.offers.get',
      method: 'get',
      path: '/billing/offers/:id',
      summary: 'One offer with its contract status and the live state of its deal',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, businessId, inTenant }) => {
        requirePermission(auth, 'billing.read');
        const { offer, contract } = await inTenant(async () => {
          const row = await findOffer(params.id);
          if (!row) throw notFound(M.offerNotFound);
          return { offer: row, contract: await findContractByOffer(row.id) };
        });
        const deal = offer.workflowId ? await billingDealView(deps.temporal, businessId, offer.id) : null;
        return {
          body: {
            offer: toDto(offer),
            contract: contract
              ? { id: contract.id, status: contract.status, signingExpiresAt: contract.signingExpiresAt, signedAt: contract.signedAt, signerName: contract.signerName, hasSignedPdf: contract.hasSignedPdf }
              : null,
            deal,
          },
        };
      },
    }),
    defineRoute({
      id: 'billing.offers.update',
      method: 'patch',
      path: '/billing/offers/:id',
      summary: 'Change a draft offer (totals recomputed)',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      body: offerUpdateBody,
      response: { status: 200, description: 'Offer', schema: z.object({ offer: offerDto }) },
      handler: async ({ auth, params, body, businessId }) => {
        requirePermission(auth, 'billing.write');
        const current = await findOffer(params.id, { forUpdate: true });
        if (!current) throw notFound(M.offerNotFound);
        if (current.status !== 'draft') throw new LocalizedHttpError(409, 'offer_not_draft', M.notDraft);
        const merged = {
          leadId: current.leadId,
          title: current.title,
          locale: current.locale,
          lines: current.lines.map(({ description, quantity, unitPriceAgorot, discountBps, discountAgorot }) => ({
            description,
            quantity,
            unitPriceAgorot,
            ...(discountBps !== null ? { discountBps } : discountAgorot ? { discountAgorot } : {}),
          })),
          vatRateBps: current.vatRateBps,
          documentDiscountAgorot: current.documentDiscountAgorot,
          validUntil: current.validUntil,
          notes: current.notes,
          templateId: current.templateId,
          ...body,
        };
        await replaceDraftOffer(params.id, await buildInput(merged, businessId));
        return { body: { offer: toDto((await findOffer(params.id))!) } };
      },
    }),
    defineRoute({
      id: 'billing.offers.delete',
      method: 'delete',
      path: '/billing/offers/:id',
      summary: 'Delete a draft offer',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'billing.write');
        const offer = await findOffer(params.id);
        if (!offer) throw notFound(M.offerNotFound);
        if (!(await deleteDraftOffer(params.id))) throw new LocalizedHttpError(409, 'offer_not_draft', M.notDraft);
      },
    }),
    defineRoute({
      id: 'billing.offers.send',
      method: 'post',
      path: '/billing/offers/:id/send',
      summary: 'Generate the contract and send the signing link: starts the deal workflow (reminders, expiry, invoice, payment, receipt)',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      response: { status: 202, description: 'The deal started' },
      handler: async ({ auth, params, businessId, req }) => {
        requirePermission(auth, 'billing.write');
        const outcome = await sendOffer(db, deps.temporal, deps.taskQueue, identityOf(auth, businessId, req.requestId), params.id, deps.billing);
        if (!outcome.ok) {
          if (outcome.reason === 'not_found') throw notFound(M.offerNotFound);
          throw outcome.reason === 'no_phone' ? new LocalizedHttpError(422, 'lead_without_phone', M.noPhone) : new LocalizedHttpError(409, 'offer_already_sent', M.alreadySent);
        }
        return { status: 202, body: { workflowId: outcome.workflowId, workflowUrl: historyUrl(deps, outcome.workflowId) } };
      },
    }),
    defineRoute({
      id: 'billing.offers.cancel',
      method: 'post',
      path: '/billing/offers/:id/cancel',
      summary: 'Cancel an offer whose contract is not signed yet (the signing link stops working)',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      tenantTransaction: 'on-demand',
      handler: async ({ auth, params, businessId, req }) => {
        requirePermission(auth, 'billing.write');
        const outcome = await cancelOffer(db, deps.temporal, identityOf(auth, businessId, req.requestId), params.id);
        if (!outcome.ok) {
          if (outcome.reason === 'not_found') throw notFound(M.offerNotFound);
          throw outcome.reason === 'not_cancellable'
            ? new LocalizedHttpError(409, 'deal_not_cancellable', M.notCancellable)
            : new LocalizedHttpError(409, 'deal_closed', M.alreadyClosed);
        }
        return { body: { status: outcome.status, workflowUrl: historyUrl(deps, workflowIds.billingDeal(businessId, params.id)) } };
      },
    }),
  ];
}

import { z } from 'zod';
import { actingUserId } from '../auth/context';
import { requirePermission } from '../../domain/policy';
import { unknownPlaceholders } from '../../domain/billing/contract-template';
import {
  MANUAL_PAYMENT_METHODS,
  creditNoteOf,
  deleteTemplate,
  findContract,
  findTemplate,
  issueCreditNote,
  listContracts,
  listInvoices,
  listPayments,
  listReceipts,
  listTemplates,
  lockInvoice,
  paidAgorotOf,
  saveTemplate,
  signedPdfOf,
  type ContractRecord,
  type InvoiceRecord,
  type TemplateRecord,
} from '../../data/billing';
import { recordManualPayment } from '../../orchestration';
import type { Database } from '../../data';
import { HttpError } from '../http/errors';
import { BILLING_MESSAGES as M, identityOf, type BillingDeps } from './billing-deps';
import { LocalizedHttpError, defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const listQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(200) });

/** A template is a list of paragraphs (each up to 4,000 characters); {{placeholders}} are checked. */
const templateBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  locale: z.enum(['he', 'en']),
  paragraphs: z.array(z.string().trim().min(1).max(4000)).min(1).max(100),
  isDefault: z.boolean().optional(),
});
const templateDto = (template: TemplateRecord) => ({ ...template, paragraphs: template.body.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean) });

const contractDto = (contract: ContractRecord) => ({
  id: contract.id,
  offerId: contract.offerId,
  title: contract.title,
  locale: contract.locale,
  status: contract.status,
  documentHash: contract.documentHash,
  signingExpiresAt: contract.signingExpiresAt,
  sentAt: contract.sentAt,
  signedAt: contract.signedAt,
  signerName: contract.signerName,
  signedPdfUrl: contract.hasSignedPdf ? `/api/v1/billing/contracts/${contract.id}/pdf` : null,
});

const invoiceDto = (invoice: InvoiceRecord) => invoice;

/** Contracts, invoices, payments, receipts and contract templates: the owner's billing records. */
export function billingDocumentRoutes(db: Database, deps: BillingDeps): AnyRoute[] {
  return [
    defineRoute({
      id: 'billing.contracts.list',
      method: 'get',
      path: '/billing/contracts',
      summary: 'Contracts with their status and signed PDF link',
      tag: 'billing',
      scope: 'tenant',
      query: listQuery,
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'billing.read');
        return { body: { contracts: (await listContracts(query.limit)).map(contractDto) } };
      },
    }),
    defineRoute({
      id: 'billing.contracts.pdf',
      method: 'get',
      path: '/billing/contracts/:id/pdf',
      summary: 'The signed contract as PDF',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params, res }) => {
        requirePermission(auth, 'billing.read');
        const contract = await findContract(params.id);
        if (!contract) throw notFound(M.contractNotFound);
        const pdf = await signedPdfOf(contract.id);
        if (!pdf) throw new LocalizedHttpError(404, 'pdf_not_ready', M.pdfNotReady);
        res.type('application/pdf').setHeader('content-disposition', `inline; filename="contract-${contract.id}.pdf"`);
        res.send(pdf);
      },
    }),
    defineRoute({
      id: 'billing.invoices.list',
      method: 'get',
      path: '/billing/invoices',
      summary: 'Invoices and credit notes, newest first',
      tag: 'billing',
      scope: 'tenant',
      query: listQuery,
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'billing.read');
        const invoices = await listInvoices(query.limit);
        const withBalance = [];
        for (const invoice of invoices) {
          withBalance.push({ ...invoiceDto(invoice), paidAgorot: invoice.series === 'invoice' ? await paidAgorotOf(invoice.id) : 0 });
        }
        return { body: { invoices: withBalance } };
      },
    }),
    defineRoute({
      id: 'billing.invoices.recordPayment',
      method: 'post',
      path: '/billing/invoices/:id/payments',
      summary: 'Mark an invoice paid by the manual provider (cash, transfer, cheque); a receipt follows',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      body: z.strictObject({
        method: z.enum(MANUAL_PAYMENT_METHODS),
        amountAgorot: z.number().int().positive().max(10_000_000_000).optional(),
        reference: z.string().trim().max(200).optional(),
        note: z.string().trim().max(1000).optional(),
      }),
      tenantTransaction: 'on-demand',
      response: { status: 201, description: 'Recorded' },
      handler: async ({ auth, params, body, businessId, req }) => {
        requirePermission(auth, 'billing.write');
        const headerKey = req.header('idempotency-key');
        if (headerKey !== undefined && !/^[A-Za-z0-9._:-]{8,200}$/.test(headerKey)) {
          throw new HttpError(400, 'validation_failed', 'Invalid Idempotency-Key', { 'Idempotency-Key': ['8–200 characters: letters, digits, . _ : -'] });
        }
        const outcome = await recordManualPayment(db, deps.temporal, identityOf(auth, businessId, req.requestId), params.id, {
          ...body,
          idempotencyKey: headerKey,
          recordedByUserId: actingUserId(auth),
        });
        if (!outcome.ok) {
          switch (outcome.reason) {
            case 'not_found':
              throw notFound(M.invoiceNotFound);
            case 'not_an_invoice':
              throw new LocalizedHttpError(409, 'not_an_invoice', M.notAnInvoice);
            case 'credited':
              throw new LocalizedHttpError(409, 'invoice_credited', M.credited);
            case 'paid':
              throw new LocalizedHttpError(409, 'invoice_paid', M.alreadyPaid);
            case 'overpaid':
              throw new HttpError(400, 'validation_failed', M.overpaid.en, { amountAgorot: [M.overpaid.he, M.overpaid.en] });
          }
        }
        return { status: outcome.created ? 201 : 200, body: { payment: outcome.payment } };
      },
    }),
    defineRoute({
      id: 'billing.invoices.creditNote',
      method: 'post',
      path: '/billing/invoices/:id/credit-note',
      summary: 'Cancel an issued invoice with a credit note (its own gapless series); the invoice itself never changes',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
      response: { status: 201, description: 'Issued' },
      handler: async ({ auth, params, body }) => {
        requirePermission(auth, 'billing.manage');
        const invoice = await lockInvoice(params.id);
        if (!invoice) throw notFound(M.invoiceNotFound);
        if (invoice.series !== 'invoice') throw new LocalizedHttpError(409, 'not_an_invoice', M.notAnInvoice);
        if (await creditNoteOf(invoice.id)) throw new LocalizedHttpError(409, 'invoice_credited', M.credited);
        const { invoice: creditNote } = await issueCreditNote(invoice, `credit/${invoice.id}`, body.reason);
        return { status: 201, body: { creditNote } };
      },
    }),
    defineRoute({
      id: 'billing.payments.list',
      method: 'get',
      path: '/billing/payments',
      summary: 'Payments, newest first',
      tag: 'billing',
      scope: 'tenant',
      query: listQuery,
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'billing.read');
        return { body: { payments: await listPayments(query.limit) } };
      },
    }),
    defineRoute({
      id: 'billing.receipts.list',
      method: 'get',
      path: '/billing/receipts',
      summary: 'Receipts, newest first',
      tag: 'billing',
      scope: 'tenant',
      query: listQuery,
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'billing.read');
        return { body: { receipts: await listReceipts(query.limit) } };
      },
    }),
    defineRoute({
      id: 'billing.templates.list',
      method: 'get',
      path: '/billing/contract-templates',
      summary: 'Contract templates (Hebrew and English)',
      tag: 'billing',
      scope: 'tenant',
      handler: async ({ auth }) => {
        requirePermission(auth, 'billing.manage');
        return { body: { templates: (await listTemplates()).map(templateDto) } };
      },
    }),
    defineRoute({
      id: 'billing.templates.create',
      method: 'post',
      path: '/billing/contract-templates',
      summary: 'Create a contract template; {{placeholders}} are checked',
      tag: 'billing',
      scope: 'tenant',
      body: templateBody,
      response: { status: 201, description: 'Created' },
      handler: async ({ auth, body }) => {
        requirePermission(auth, 'billing.manage');
        const text = body.paragraphs.join('\n\n');
        checkPlaceholders(text);
        const template = await saveTemplate(null, { name: body.name, locale: body.locale, body: text, isDefault: body.isDefault ?? false });
        return { status: 201, body: { template: templateDto(template!) } };
      },
    }),
    defineRoute({
      id: 'billing.templates.update',
      method: 'patch',
      path: '/billing/contract-templates/:id',
      summary: 'Change a contract template (contracts already made keep their text)',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      body: templateBody.partial().refine((b) => Object.keys(b).length > 0, { message: 'Nothing to change' }),
      handler: async ({ auth, params, body }) => {
        requirePermission(auth, 'billing.manage');
        const current = await findTemplate(params.id);
        if (!current) throw notFound(M.templateNotFound);
        const { paragraphs, ...changes } = body;
        const text = paragraphs ? paragraphs.join('\n\n') : current.body;
        if (paragraphs) checkPlaceholders(text);
        const { id: _id, ...rest } = current;
        return { body: { template: templateDto((await saveTemplate(params.id, { ...rest, ...changes, body: text }))!) } };
      },
    }),
    defineRoute({
      id: 'billing.templates.delete',
      method: 'delete',
      path: '/billing/contract-templates/:id',
      summary: 'Delete a contract template',
      tag: 'billing',
      scope: 'tenant',
      params: uuidParam,
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'billing.manage');
        if (!(await deleteTemplate(params.id))) throw notFound(M.templateNotFound);
      },
    }),
  ];
}

function checkPlaceholders(body: string): void {
  const unknown = unknownPlaceholders(body);
  if (unknown.length) {
    throw new HttpError(400, 'validation_failed', M.unknownPlaceholders.en, { paragraphs: [`${M.unknownPlaceholders.he}: ${unknown.join(', ')}`, `${M.unknownPlaceholders.en}: ${unknown.join(', ')}`] });
  }
}

import type { DocumentTotals, LineItemInput } from '../../domain/billing/money';
import { int, iso, select, selectOne, write } from './sql';

export const OFFER_STATUSES = ['draft', 'sent', 'signed', 'invoiced', 'paid', 'cancelled', 'expired'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export interface OfferLineRecord {
  position: number;
  description: string;
  quantity: number;
  unitPriceAgorot: number;
  discountBps: number | null;
  discountAgorot: number;
  netAgorot: number;
}

export interface OfferRecord {
  id: string;
  leadId: string;
  title: string;
  locale: 'he' | 'en';
  currency: 'ILS';
  vatRateBps: number;
  documentDiscountAgorot: number;
  subtotalAgorot: number;
  netAgorot: number;
  vatAgorot: number;
  totalAgorot: number;
  validUntil: string | null;
  notes: string | null;
  templateId: string | null;
  status: OfferStatus;
  workflowId: string | null;
  createdAt: string;
  lines: OfferLineRecord[];
}

export interface OfferInput {
  leadId: string;
  title: string;
  locale: 'he' | 'en';
  validUntil: string | null;
  notes: string | null;
  templateId: string | null;
  lines: LineItemInput[];
  totals: DocumentTotals;
}

const COLUMNS = `id, lead_id, title, locale, currency, vat_rate_bps, document_discount_agorot, subtotal_agorot, net_agorot, vat_agorot,
  total_agorot, to_char(valid_until, 'YYYY-MM-DD') AS valid_until, notes, template_id, status, workflow_id, created_at`;

function toOffer(row: Record<string, unknown>, lines: OfferLineRecord[]): OfferRecord {
  return {
    id: String(row.id),
    leadId: String(row.lead_id),
    title: String(row.title),
    locale: row.locale as 'he' | 'en',
    currency: 'ILS',
    vatRateBps: int(row.vat_rate_bps),
    documentDiscountAgorot: int(row.document_discount_agorot),
    subtotalAgorot: int(row.subtotal_agorot),
    netAgorot: int(row.net_agorot),
    vatAgorot: int(row.vat_agorot),
    totalAgorot: int(row.total_agorot),
    validUntil: (row.valid_until as string | null) ?? null,
    notes: (row.notes as string | null) ?? null,
    templateId: (row.template_id as string | null) ?? null,
    status: row.status as OfferStatus,
    workflowId: (row.workflow_id as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    lines,
  };
}

async function linesOf(offerIds: string[]): Promise<Map<string, OfferLineRecord[]>> {
  const byOffer = new Map<string, OfferLineRecord[]>();
  if (!offerIds.length) return byOffer;
  const rows = await select<Record<string, unknown>>(
    `SELECT offer_id, position, description, quantity_milli, unit_price_agorot, discount_bps, discount_agorot, net_agorot
     FROM offer_lines WHERE offer_id IN (:offerIds) ORDER BY offer_id, position`,
    { offerIds },
  );
  for (const row of rows) {
    const list = byOffer.get(String(row.offer_id)) ?? [];
    list.push({
      position: int(row.position),
      description: String(row.description),
      quantity: int(row.quantity_milli) / 1000,
      unitPriceAgorot: int(row.unit_price_agorot),
      discountBps: row.discount_bps === null ? null : int(row.discount_bps),
      discountAgorot: int(row.discount_agorot),
      netAgorot: int(row.net_agorot),
    });
    byOffer.set(String(row.offer_id), list);
  }
  return byOffer;
}

/** The lines as the money module takes them back (to recompute, or to render the contract). */
export function lineInputsOf(offer: OfferRecord): LineItemInput[] {
  return offer.lines.map((line) => ({
    description: line.description,
    quantity: line.quantity,
    unitPriceAgorot: line.unitPriceAgorot,
    ...(line.discountBps !== null ? { discountBps: line.discountBps } : line.discountAgorot ? { discountAgorot: line.discountAgorot } : {}),
  }));
}

async function writeLines(offerId: string, input: OfferInput): Promise<void> {
  await write('DELETE FROM offer_lines WHERE offer_id = :offerId', { offerId });
  for (const [position, line] of input.totals.lines.entries()) {
    const source = input.lines[position]!;
    await write(
      `INSERT INTO offer_lines (business_id, offer_id, position, description, quantity_milli, unit_price_agorot, discount_bps, discount_agorot, net_agorot)
       VALUES (:businessId, :offerId, :position, :description, :quantityMilli, :unitPrice, :discountBps, :discountAgorot, :net)`,
      {
        offerId,
        position,
        description: line.description,
        quantityMilli: line.quantityMilli,
        unitPrice: line.unitPriceAgorot,
        discountBps: source.discountBps ?? null,
        discountAgorot: line.discountAgorot,
        net: line.netAgorot,
      },
    );
  }
}

export async function createOffer(input: OfferInput): Promise<OfferRecord> {
  const t = input.totals;
  const [row] = await write<{ id: string }>(
    `INSERT INTO offers (business_id, lead_id, title, locale, vat_rate_bps, document_discount_agorot, subtotal_agorot, net_agorot, vat_agorot,
       total_agorot, valid_until, notes, template_id)
     VALUES (:businessId, :leadId, :title, :locale, :vat, :docDiscount, :subtotal, :net, :vatAmount, :total, :validUntil, :notes, :templateId)
     RETURNING id`,
    {
      leadId: input.leadId,
      title: input.title,
      locale: input.locale,
      vat: t.vatRateBps,
      docDiscount: t.documentDiscountAgorot,
      subtotal: t.subtotalAgorot,
      net: t.netAgorot,
      vatAmount: t.vatAgorot,
      total: t.totalAgorot,
      validUntil: input.validUntil,
      notes: input.notes,
      templateId: input.templateId,
    },
  );
  await writeLines(row!.id, input);
  return (await findOffer(row!.id))!;
}

/** Replaces a draft offer's content; false when it is no longer a draft. */
export async function replaceDraftOffer(id: string, input: OfferInput): Promise<boolean> {
  const t = input.totals;
  const updated = await write<{ id: string }>(
    `UPDATE offers SET lead_id = :leadId, title = :title, locale = :locale, vat_rate_bps = :vat, document_discount_agorot = :docDiscount,
       subtotal_agorot = :subtotal, net_agorot = :net, vat_agorot = :vatAmount, total_agorot = :total, valid_until = :validUntil,
       notes = :notes, template_id = :templateId, updated_at = now()
     WHERE id = :id AND status = 'draft' RETURNING id`,
    {
      id,
      leadId: input.leadId,
      title: input.title,
      locale: input.locale,
      vat: t.vatRateBps,
      docDiscount: t.documentDiscountAgorot,
      subtotal: t.subtotalAgorot,
      net: t.netAgorot,
      vatAmount: t.vatAgorot,
      total: t.totalAgorot,
      validUntil: input.validUntil,
      notes: input.notes,
      templateId: input.templateId,
    },
  );
  if (!updated.length) return false;
  await writeLines(id, input);
  return true;
}

export async function findOffer(id: string, options: { forUpdate?: boolean } = {}): Promise<OfferRecord | null> {
  const row = await selectOne<Record<string, unknown>>(`SELECT ${COLUMNS} FROM offers WHERE id = :id${options.forUpdate ? ' FOR UPDATE' : ''}`, { id });
  if (!row) return null;
  return toOffer(row, (await linesOf([id])).get(id) ?? []);
}

export async function listOffers(filter: { leadId?: string; status?: OfferStatus; limit: number }): Promise<OfferRecord[]> {
  const rows = await select<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM offers WHERE (CAST(:leadId AS uuid) IS NULL OR lead_id = CAST(:leadId AS uuid))
       AND (CAST(:status AS text) IS NULL OR status = CAST(:status AS text))
     ORDER BY created_at DESC LIMIT :limit`,
    { leadId: filter.leadId ?? null, status: filter.status ?? null, limit: filter.limit },
  );
  const lines = await linesOf(rows.map((row) => String(row.id)));
  return rows.map((row) => toOffer(row, lines.get(String(row.id)) ?? []));
}

/** Deletes a draft offer; false when there is none or it has gone further than a draft. */
export async function deleteDraftOffer(id: string): Promise<boolean> {
  return (await write<{ id: string }>("DELETE FROM offers WHERE id = :id AND status = 'draft' RETURNING id", { id })).length > 0;
}

/** Moves an offer along; `from` guards the transition (a late step never undoes a later one). */
export async function setOfferStatus(id: string, status: OfferStatus, from: readonly OfferStatus[]): Promise<boolean> {
  const rows = await write<{ id: string }>('UPDATE offers SET status = :status, updated_at = now() WHERE id = :id AND status IN (:from) RETURNING id', {
    id,
    status,
    from: [...from],
  });
  return rows.length > 0;
}

export async function setOfferWorkflow(id: string, workflowId: string): Promise<void> {
  await write("UPDATE offers SET workflow_id = :workflowId, status = 'sent', updated_at = now() WHERE id = :id AND status = 'draft'", { id, workflowId });
}

import { select, selectOne, write } from './sql';

/**
 * The PDF of each issued invoice and receipt, rendered once by the worker from the immutable
 * document and kept beside it (the API serves it, email attaches it).
 */
export type BillingDocumentType = 'invoice' | 'receipt';

export async function storeDocumentPdf(type: BillingDocumentType, documentId: string, pdf: Buffer, pdfHash: string): Promise<void> {
  await write(
    `INSERT INTO billing_document_pdfs (business_id, document_type, document_id, pdf, pdf_hash)
     VALUES (:businessId, :type, :documentId, :pdf, :pdfHash) ON CONFLICT DO NOTHING`,
    { type, documentId, pdf, pdfHash },
  );
}

export async function documentPdfOf(type: BillingDocumentType, documentId: string): Promise<{ pdf: Buffer; pdfHash: string } | null> {
  const row = await selectOne<{ pdf: Buffer; pdf_hash: string }>('SELECT pdf, pdf_hash FROM billing_document_pdfs WHERE document_type = :type AND document_id = :documentId', {
    type,
    documentId,
  });
  return row ? { pdf: row.pdf, pdfHash: row.pdf_hash } : null;
}

/** Which of these documents already have their PDF. */
export async function documentsWithPdf(type: BillingDocumentType, documentIds: string[]): Promise<Set<string>> {
  if (documentIds.length === 0) return new Set();
  const rows = await select<{ document_id: string }>('SELECT document_id FROM billing_document_pdfs WHERE document_type = :type AND document_id IN (:documentIds)', { type, documentIds });
  return new Set(rows.map((row) => row.document_id));
}

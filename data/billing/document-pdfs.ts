import { selectOne, write } from './sql';

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

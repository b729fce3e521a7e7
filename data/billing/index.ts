// Billing and contracts in the database: offers, templates, contracts, invoices, payments, receipts.
// Every function runs inside the caller's withTenant() transaction.
export * from './offers';
export * from './contracts';
export * from './documents';
export * from './payments';
export * from './document-pdfs';

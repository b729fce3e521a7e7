import type { MigrationContext } from './types';

/** Notifications may also go out by email (offers, contracts, invoices and receipts with their PDFs). */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`ALTER TABLE notifications
    DROP CONSTRAINT notifications_channel_check,
    ADD CONSTRAINT notifications_channel_check CHECK (channel IN ('sms', 'whatsapp', 'log', 'in_app', 'email'))`);
}

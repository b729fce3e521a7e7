import { NOTIFICATIONS_CHANNEL } from '../notification-channel';
import type { MigrationContext } from './types';

/**
 * The notification bell, event-driven and read per user:
 *  - notification_reads: up to which instant each user of a business has read the alerts
 *    (it was a cookie of one browser);
 *  - a trigger that sends NOTIFY prosaas_notifications with {businessId, id} when an alert is
 *    written. PostgreSQL delivers it at commit, to the CRM's one LISTEN connection, which wakes
 *    that business's open bells; they read the alert through the tenant context as before.
 */
export async function up({ sql }: MigrationContext): Promise<void> {
  await sql(`
    CREATE TABLE notification_reads (
      business_id uuid NOT NULL REFERENCES businesses(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      read_until timestamptz NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (business_id, user_id)
    )`);
  await sql("SELECT prosaas_enable_tenant_rls('notification_reads')");

  await sql(`
    CREATE FUNCTION prosaas_notify_notification() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${NOTIFICATIONS_CHANNEL}', json_build_object('businessId', NEW.business_id, 'id', NEW.id)::text);
      RETURN NULL;
    END $$`);
  await sql(`
    CREATE TRIGGER notifications_notify AFTER INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION prosaas_notify_notification()`);
}

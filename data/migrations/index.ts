import type { MigrationDefinition } from './types';
import * as m0001 from './0001_app_role_and_tenancy_functions';
import * as m0002 from './0002_core_tables';
import * as m0003 from './0003_accounts_and_access';
import * as m0004 from './0004_notifications';
import * as m0005 from './0005_whatsapp';
import * as m0006 from './0006_billing';
import * as m0007 from './0007_calls_recordings_assistant';
import * as m0008 from './0008_leads_list_order_index';
import * as m0009 from './0009_whatsapp_inbound_delivery';
import * as m0010 from './0010_billing_tax_identity';
import * as m0011 from './0011_crm_lead_search_terms';
import * as m0012 from './0012_calls_recording_retention_default';
import * as m0013 from './0013_crm_notification_reads';
import * as m0014 from './0014_billing_email_channel';

/**
 * Every migration, in order. Strictly additive: a migration may add tables,
 * columns, indexes and constraints, never drop or rename (test/integration/migrations.test.ts).
 */
export const MIGRATIONS: MigrationDefinition[] = [
  { name: '0001_app_role_and_tenancy_functions', up: m0001.up },
  { name: '0002_core_tables', up: m0002.up },
  { name: '0003_accounts_and_access', up: m0003.up },
  { name: '0004_notifications', up: m0004.up },
  { name: '0005_whatsapp', up: m0005.up },
  { name: '0006_billing', up: m0006.up },
  { name: '0007_calls_recordings_assistant', up: m0007.up },
  { name: '0008_leads_list_order_index', up: m0008.up },
  { name: '0009_whatsapp_inbound_delivery', up: m0009.up },
  { name: '0010_billing_tax_identity', up: m0010.up },
  { name: '0011_crm_lead_search_terms', up: m0011.up },
  { name: '0012_calls_recording_retention_default', up: m0012.up },
  { name: '0013_crm_notification_reads', up: m0013.up },
  { name: '0014_billing_email_channel', up: m0014.up },
];

export type { MigrationContext, MigrationDefinition } from './types';

import { Op } from 'sequelize';
import { WhatsappAuthKey, type Database } from '../data';
import {
  loadBaileys,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
} from './baileys';

const CREDS_CATEGORY = 'creds';
const CREDS_ID = 'creds';

export interface PostgresAuthState {
  state: AuthenticationState;
  /** Hand to `creds.update`: writes the current creds in one transaction. */
  saveCreds: () => Promise<void>;
  /** Logout: removes the creds and every key, so the next connect needs a new QR. */
  clear: () => Promise<void>;
}

/**
 * Baileys auth state in PostgreSQL, one business per store: the creds document and
 * every signal key as BufferJSON text in whatsapp_auth_keys, under the business's
 * tenant context. A `keys.set` batch is one transaction, so a crash never leaves
 * half a batch (a session without its pre-key) behind.
 */
export async function usePostgresAuthState(db: Database, businessId: string): Promise<PostgresAuthState> {
  const { BufferJSON, initAuthCreds, proto } = await loadBaileys();
  const tenant = { businessId };
  const stored = await db.withTenant(tenant, () => WhatsappAuthKey.findOne({ where: { category: CREDS_CATEGORY, keyId: CREDS_ID } }));
  const creds: AuthenticationCreds = stored ? (JSON.parse(stored.value, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();

  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const result: { [id: string]: SignalDataTypeMap[T] } = {};
        if (!ids.length) return result;
        const rows = await db.withTenant(tenant, () => WhatsappAuthKey.findAll({ where: { category: type, keyId: { [Op.in]: ids } } }));
        for (const row of rows) {
          let value: unknown = JSON.parse(row.value, BufferJSON.reviver);
          if (type === 'app-state-sync-key' && value) value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          result[row.keyId] = value as SignalDataTypeMap[T];
        }
        return result;
      },
      set: async (data: SignalDataSet) => {
        const upserts: Array<{ businessId: string; category: string; keyId: string; value: string }> = [];
        const deletes: Array<{ category: string; keyId: string }> = [];
        for (const [category, entries] of Object.entries(data)) {
          for (const [keyId, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) deletes.push({ category, keyId });
            else upserts.push({ businessId, category, keyId, value: JSON.stringify(value, BufferJSON.replacer) });
          }
        }
        if (!upserts.length && !deletes.length) return;
        await db.withTenant(tenant, async () => {
          if (upserts.length) await WhatsappAuthKey.bulkCreate(upserts, { updateOnDuplicate: ['value', 'updatedAt'] });
          if (deletes.length) await WhatsappAuthKey.destroy({ where: { [Op.or]: deletes } });
        });
      },
      clear: async () => {
        await db.withTenant(tenant, () => WhatsappAuthKey.destroy({ where: { category: { [Op.ne]: CREDS_CATEGORY } } }));
      },
    },
  };

  return {
    state,
    saveCreds: () =>
      db.withTenant(tenant, async () => {
        await WhatsappAuthKey.upsert({ businessId, category: CREDS_CATEGORY, keyId: CREDS_ID, value: JSON.stringify(state.creds, BufferJSON.replacer) });
      }),
    clear: () =>
      db.withTenant(tenant, async () => {
        await WhatsappAuthKey.destroy({ where: {} });
      }),
  };
}

/** Whether a business has stored creds (a linked device that can resume without a QR). */
export async function hasStoredCreds(db: Database, businessId: string): Promise<boolean> {
  const count = await db.withTenant({ businessId }, () => WhatsappAuthKey.count({ where: { category: CREDS_CATEGORY } }));
  return count > 0;
}

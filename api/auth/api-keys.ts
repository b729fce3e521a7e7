import { QueryTypes } from 'sequelize';
import type { Database } from '../../data';
import type { ApiKeyScope } from '../../domain/policy';
import { randomAlnum, randomToken, safeEqual, sha256 } from './secrets';

export const API_KEY_PATTERN = /^psk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface IssuedApiKey {
  /** The full key, shown to its creator once. */
  key: string;
  prefix: string;
  secretHash: string;
}

/** `psk_<12 char prefix>_<256-bit secret>`; the prefix finds the row, the SHA-256 of the whole key proves it. */
export function issueApiKey(): IssuedApiKey {
  const prefix = randomAlnum(12);
  const key = `psk_${prefix}_${randomToken()}`;
  return { key, prefix, secretHash: sha256(key) };
}

export interface ResolvedApiKey {
  id: string;
  businessId: string;
  scopes: ApiKeyScope[];
  createdByUserId: string | null;
}

interface ApiKeyRow {
  id: string;
  business_id: string;
  secret_hash: string;
  scopes: ApiKeyScope[];
  created_by_user_id: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const TOUCH_AFTER_MS = 60_000;

/** Finds the key's business before any tenant is known, so it runs in system scope. */
export async function resolveApiKey(db: Database, presented: string): Promise<ResolvedApiKey | null> {
  const match = API_KEY_PATTERN.exec(presented);
  if (!match) return null;
  const prefix = match[1]!;
  return db.withSystemScope(
    'resolve an API key',
    async (transaction) => {
      const rows = await db.sequelize.query<ApiKeyRow>(
        'SELECT id, business_id, secret_hash, scopes, created_by_user_id, revoked_at, last_used_at FROM api_keys WHERE prefix = :prefix',
        { replacements: { prefix }, type: QueryTypes.SELECT, transaction },
      );
      const row = rows[0];
      if (!row || row.revoked_at || !safeEqual(row.secret_hash, sha256(presented))) return null;
      if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > TOUCH_AFTER_MS) {
        await db.sequelize.query('UPDATE api_keys SET last_used_at = now() WHERE id = :id', { replacements: { id: row.id }, transaction });
      }
      return { id: row.id, businessId: row.business_id, scopes: row.scopes, createdByUserId: row.created_by_user_id };
    },
    { logLevel: 'debug' },
  );
}

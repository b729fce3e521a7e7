import { Sequelize, type Transaction, type QueryOptions } from 'sequelize';
import type { Logger } from '../platform/logger';
import {
  AsyncLocalNamespace,
  TenantContextMissingError,
  currentScope,
  runInScope,
  type TenantScope,
} from './tenant-context';
import { initModels } from './models';
import { SYSTEM_ROLE } from './migrations/0001_app_role_and_tenancy_functions';

Sequelize.useCLS(new AsyncLocalNamespace());

/** Marker stored on a transaction's options; the query guard reads it. */
interface ScopedTransactionOptions {
  prosaasScope?: TenantScope;
}
/** Queries that touch no tenant table (readiness ping, role check) say so explicitly. */
interface InfrastructureQueryOptions extends QueryOptions {
  prosaasInfrastructure?: boolean;
}

export interface DatabaseOptions {
  url: string;
  logger: Logger;
  poolMax?: number;
  /** Only the migration runner may connect as a role that bypasses row-level security. */
  allowPrivilegedRole?: boolean;
}

export interface TenantIdentity {
  businessId: string;
  actorUserId?: string | null;
  impersonatorUserId?: string | null;
  requestId?: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class Database {
  readonly sequelize: Sequelize;
  private readonly logger: Logger;
  private readonly allowPrivilegedRole: boolean;

  constructor(options: DatabaseOptions) {
    this.logger = options.logger;
    this.allowPrivilegedRole = options.allowPrivilegedRole ?? false;
    this.sequelize = new Sequelize(options.url, {
      dialect: 'postgres',
      logging: false,
      pool: { max: options.poolMax ?? 10, min: 0, idle: 10_000, acquire: 15_000 },
      define: { underscored: true },
    });
    this.sequelize.addHook('beforeQuery', (queryOptions: object) => guardQuery(queryOptions));
    initModels(this.sequelize);
  }

  /**
   * Runs fn in one transaction whose `app.business_id` is the given business, so
   * row-level security shows and accepts only that business's rows. Nested calls
   * for the same business join the open transaction.
   */
  async withTenant<T>(identity: TenantIdentity, fn: (transaction: Transaction) => Promise<T>): Promise<T> {
    if (!identity.businessId || !UUID_PATTERN.test(identity.businessId)) {
      throw new TenantContextMissingError(`withTenant needs a business id, got ${JSON.stringify(identity.businessId)}`);
    }
    const outer = currentScope();
    const outerTransaction = this.currentTransaction();
    if (outer?.kind === 'tenant' && outerTransaction) {
      if (outer.businessId !== identity.businessId) {
        throw new Error('withTenant cannot switch business inside another business\'s transaction');
      }
      return fn(outerTransaction);
    }
    const scope: TenantScope = { kind: 'tenant', ...identity };
    return this.inScopedTransaction(scope, async (transaction) => {
      await this.sequelize.query("SELECT set_config('app.business_id', :businessId, true)", {
        replacements: { businessId: identity.businessId },
        transaction,
      });
      return fn(transaction);
    });
  }

  /**
   * The audited way around tenant isolation: for work that is cross-tenant by
   * nature (finding the business a phone number belongs to, login by email,
   * platform admin screens, scheduled sweeps). The reason is logged every time.
   */
  async withSystemScope<T>(
    reason: string,
    fn: (transaction: Transaction) => Promise<T>,
    options: { logLevel?: 'info' | 'debug' } = {},
  ): Promise<T> {
    if (!reason.trim()) throw new Error('withSystemScope needs a reason');
    // Per-request lookups (session, API key) log at debug so the info log is not one line per request.
    this.logger[options.logLevel ?? 'info']({ systemScope: reason }, 'system scope opened');
    return this.inScopedTransaction({ kind: 'system', reason }, async (transaction) => {
      await this.sequelize.query(`SET LOCAL ROLE ${SYSTEM_ROLE}`, { transaction });
      return fn(transaction);
    });
  }

  /** The setting a connection carries right now (used by tests and diagnostics). */
  async currentBusinessSetting(): Promise<string | null> {
    const [rows] = await this.sequelize.query("SELECT current_setting('app.business_id', true) AS value", {
      prosaasInfrastructure: true,
    } as InfrastructureQueryOptions);
    const value = (rows as Array<{ value: string | null }>)[0]?.value;
    return value ? value : null;
  }

  async ping(): Promise<void> {
    await this.sequelize.query('SELECT 1', { prosaasInfrastructure: true } as InfrastructureQueryOptions);
  }

  /** Refuses to run the application as a role that would silently bypass row-level security. */
  async verifyRole(): Promise<void> {
    const [rows] = await this.sequelize.query(
      'SELECT current_user AS name, rolsuper AS superuser, rolbypassrls AS bypass FROM pg_roles WHERE rolname = current_user',
      { prosaasInfrastructure: true } as InfrastructureQueryOptions,
    );
    const role = (rows as Array<{ name: string; superuser: boolean; bypass: boolean }>)[0];
    if (!role) throw new Error('could not read the database role');
    if ((role.superuser || role.bypass) && !this.allowPrivilegedRole) {
      throw new Error(
        `DATABASE_URL connects as "${role.name}", which bypasses row-level security. ` +
          'Connect the application as the non-owner role created by the migrations (prosaas_app).',
      );
    }
  }

  async close(): Promise<void> {
    await this.sequelize.close();
  }

  private currentTransaction(): Transaction | undefined {
    return (Sequelize as unknown as { _cls?: AsyncLocalNamespace })._cls?.get('transaction') as Transaction | undefined;
  }

  private inScopedTransaction<T>(scope: TenantScope, fn: (transaction: Transaction) => Promise<T>): Promise<T> {
    const options: ScopedTransactionOptions = { prosaasScope: scope };
    return runInScope(scope, () => this.sequelize.transaction(options as object, (transaction) => fn(transaction)));
  }
}

function guardQuery(queryOptions: object): void {
  const options = queryOptions as InfrastructureQueryOptions & { transaction?: Transaction | null };
  if (options.prosaasInfrastructure) return;
  const transaction = options.transaction as unknown as { parent?: { options?: ScopedTransactionOptions }; options?: ScopedTransactionOptions } | null | undefined;
  const root = transaction?.parent ?? transaction;
  if (root?.options?.prosaasScope) return;
  throw new TenantContextMissingError('a query ran outside withTenant()/withSystemScope()');
}

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Who a unit of work runs for. Every request, activity and job that touches
 * tenant data runs inside exactly one of these, opened by withTenant() or
 * withSystemScope() in ./database.ts.
 */
export type TenantScope =
  | { kind: 'tenant'; businessId: string; actorUserId?: string | null; impersonatorUserId?: string | null; requestId?: string }
  | { kind: 'system'; reason: string; requestId?: string };

export class TenantContextMissingError extends Error {
  constructor(detail: string) {
    super(
      `No tenant context: ${detail}. Wrap the work in withTenant({ businessId }, fn), ` +
        'or withSystemScope(reason, fn) for code that is deliberately cross-tenant.',
    );
    this.name = 'TenantContextMissingError';
  }
}

const scopeStorage = new AsyncLocalStorage<TenantScope>();

export function currentScope(): TenantScope | undefined {
  return scopeStorage.getStore();
}

export function runInScope<T>(scope: TenantScope, fn: () => T): T {
  return scopeStorage.run(scope, fn);
}

/** The business the current unit of work belongs to; throws when there is none. */
export function requireBusinessId(): string {
  const scope = scopeStorage.getStore();
  if (scope?.kind !== 'tenant') throw new TenantContextMissingError('this code needs a business');
  return scope.businessId;
}

/**
 * A CLS namespace for Sequelize built on AsyncLocalStorage, so that model calls
 * inside withTenant() join its transaction without passing `{ transaction }`.
 * Sequelize 6 only needs get/set/run/bind.
 */
export class AsyncLocalNamespace {
  private readonly storage = new AsyncLocalStorage<Map<string, unknown>>();

  get(key: string): unknown {
    return this.storage.getStore()?.get(key);
  }

  set(key: string, value: unknown): void {
    this.storage.getStore()?.set(key, value);
  }

  run<T>(fn: (context: Map<string, unknown>) => T): T {
    const context = new Map(this.storage.getStore() ?? []);
    return this.storage.run(context, () => fn(context));
  }

  bind<F extends (...args: never[]) => unknown>(fn: F): F {
    const context = this.storage.getStore();
    if (!context) return fn;
    return ((...args: Parameters<F>) => this.storage.run(context, () => fn(...args))) as F;
  }
}

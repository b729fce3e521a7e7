import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { status as grpcStatus } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { SEARCH_ATTRIBUTES } from './index';

const INDEXED_VALUE_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Text: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  Int: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Datetime: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Bool: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};

export interface RegisterOptions {
  address: string;
  namespace: string;
  /** How long finished workflow histories stay visible. */
  retentionDays?: number;
  log?: (line: string) => void;
}

/** Creates the namespace and the custom search attributes; safe to run on every start. */
export async function registerNamespaceAndSearchAttributes(options: RegisterOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const connection = await Connection.connect({ address: options.address });
  try {
    try {
      await connection.workflowService.registerNamespace({
        namespace: options.namespace,
        workflowExecutionRetentionPeriod: msToTs(`${options.retentionDays ?? 7} days`),
      });
      log(`registered Temporal namespace ${options.namespace}`);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
    await waitForNamespace(connection, options.namespace);

    const existing = await connection.operatorService.listSearchAttributes({ namespace: options.namespace });
    const known = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => !known.has(name));
    if (missing.length) {
      try {
        await connection.operatorService.addSearchAttributes({
          namespace: options.namespace,
          searchAttributes: Object.fromEntries(missing.map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]!])),
        });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
      log(`registered search attributes ${missing.map(([name]) => name).join(', ')}`);
    }
  } finally {
    await connection.close();
  }
}

async function waitForNamespace(connection: Connection, namespace: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

function isAlreadyExists(error: unknown): boolean {
  return (error as { code?: number }).code === grpcStatus.ALREADY_EXISTS;
}

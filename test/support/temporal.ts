import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Runtime, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities, type Activities, type ActivityDependencies, type BillingActivityDeps } from '../../activities';
import type { Database } from '../../data';
import type { MessageProvider } from '../../platform/messaging';
import { WORKFLOWS_PATH } from '../../workers';
import { testEnv, testLogger } from './infra';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
let runtimeInstalled = false;

/** The workflow bundle, built once per test file. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  return bundle;
}

export interface TestWorker {
  client: Client;
  taskQueue: string;
  /** null when the test runs its worker as another OS process (TestWorkerOptions.external). */
  worker: Worker | null;
  stop: () => Promise<void>;
}

export interface TestWorkerOptions {
  /** Further worker dependencies (recording storage, Twilio voice REST, ...). */
  extra?: Partial<ActivityDependencies>;
  billing?: BillingActivityDeps;
  /** Replaces activities (fault injection: an activity that fails after it committed ...). */
  wrapActivities?: (activities: Activities) => Activities;
  /** No worker here: the test starts its own worker process on the returned task queue. */
  external?: boolean;
}

/** A real worker on its own task queue against the test Temporal server, running until stop(). */
export async function startTestWorker(db: Database, messages: MessageProvider, name: string, options: TestWorkerOptions = {}): Promise<TestWorker> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const address = testEnv('TEST_TEMPORAL_ADDRESS');
  const namespace = testEnv('TEST_TEMPORAL_NAMESPACE');
  const taskQueue = `${name}-${process.pid}-${Date.now()}`;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace });
  if (options.external) return { client, taskQueue, worker: null, stop: () => connection.close() };
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (options.wrapActivities ?? ((activities: Activities) => activities))(
      createActivities({ db, logger: testLogger, messages, ...options.extra, billing: options.billing }),
    ),
  });
  const running = worker.run();
  return {
    client,
    taskQueue,
    worker,
    stop: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      await nativeConnection.close();
    },
  };
}

/** Fetches each workflow's recorded history and replays it against the current workflow code: every one must replay without error. */
export async function expectHistoriesReplay(client: Client, workflowIds: string[]): Promise<void> {
  const histories = await Promise.all(workflowIds.map(async (workflowId) => ({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() })));
  const replayed: Array<{ workflowId: string; error: unknown }> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
    replayed.push({ workflowId: result.workflowId, error: result.error ?? null });
  }
  const byId = (a: { workflowId: string }, b: { workflowId: string }) => a.workflowId.localeCompare(b.workflowId);
  expect(replayed.sort(byId)).toEqual(workflowIds.map((workflowId) => ({ workflowId, error: null })).sort(byId));
}

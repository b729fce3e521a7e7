/**
 * `npm run chaos:booking -- --trials N`: books against a worker process that is
 * SIGKILLed mid-booking in every trial (real PostgreSQL and Temporal, started
 * here), then prints "N trials, L lost, D duplicated". Exit code 1 on any loss,
 * duplicate, overlap or missing/duplicated confirmation.
 */
import { Database } from '../data';
import { createLogger } from '../platform/logger';
import { startTestInfraProcess } from './lib/test-infra-process';
import { runBookingChaos, type ChaosReport } from '../devtools/chaos/booking-chaos';

function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
}

async function main(): Promise<void> {
  const trials = argument('trials', 5);
  const bookingsPerTrial = argument('bookings', 8);
  const ready = await startTestInfraProcess();
  const db = new Database({ url: ready.databaseUrl, logger: createLogger('chaos', 'warn'), poolMax: 6 });
  try {
    const environment = { databaseUrl: ready.databaseUrl, temporalAddress: ready.temporalAddress, namespace: ready.temporalNamespace, db, log: (line: string) => console.log(line) };
    const reports: ChaosReport[] = [];
    for (const target of ['worker', 'api'] as const) reports.push(await runBookingChaos(environment, { trials, bookingsPerTrial, target }));
    let clean = true;
    for (const report of reports) {
      console.log(
        `${report.target} killed ${report.kills} times; acknowledged bookings: ${report.acknowledged}; overlapping: ${report.overlapping}; confirmations missing: ${report.confirmationsMissing}, duplicated: ${report.confirmationsDuplicated}`,
      );
      clean &&= report.lost + report.duplicated + report.overlapping + report.confirmationsMissing + report.confirmationsDuplicated === 0;
    }
    const sum = (key: 'trials' | 'lost' | 'duplicated') => reports.reduce((total, report) => total + report[key], 0);
    console.log(`${sum('trials')} trials, ${sum('lost')} lost, ${sum('duplicated')} duplicated`);
    process.exitCode = clean ? 0 : 1;
  } finally {
    await db.close();
    await ready.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

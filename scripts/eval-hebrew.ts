/**
 * Scores the Hebrew date/time and phone parsers against a JSONL fixture file:
 *   npx tsx scripts/eval-hebrew.ts <file.jsonl>   (npm run eval:hebrew -- <file.jsonl>)
 * Prints each mismatch, then "N passed, N failed"; exits 0 only when every case passes.
 */
import { readFileSync } from 'node:fs';
import { evaluateFixtures } from '../domain/hebrew/evaluate';

function main(argv: readonly string[]): number {
  const files = argv.slice(2);
  if (files.length === 0) {
    process.stderr.write('usage: npx tsx scripts/eval-hebrew.ts <file.jsonl> [more.jsonl …]\n');
    return 2;
  }
  let passed = 0;
  let failed = 0;
  for (const file of files) {
    const report = evaluateFixtures(readFileSync(file, 'utf8'));
    for (const mismatch of report.mismatches) {
      process.stdout.write(
        `✗ ${file}:${mismatch.line} ${mismatch.text}\n    expected ${JSON.stringify(mismatch.expected)}\n    got      ${JSON.stringify(mismatch.got)}\n`,
      );
    }
    passed += report.passed;
    failed += report.failed;
  }
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = main(process.argv);

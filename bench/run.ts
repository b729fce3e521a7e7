/** `npm run bench`: every benchmark under bench/, one after the other (or those named: npm run bench -- slots). */
import fs from 'node:fs';
import path from 'node:path';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = fs
    .readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.ts'))
    .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
    .sort();
  for (const file of files) {
    const module = (await import(path.join(__dirname, file))) as { run?: () => Promise<unknown> };
    if (typeof module.run !== 'function') throw new Error(`${file} exports no run()`);
    console.log(`\n### ${file}`);
    await module.run();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

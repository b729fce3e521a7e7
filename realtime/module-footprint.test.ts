import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** The project's own modules a fresh process holds after `require(entry)` (paths relative to the root). */
function loadedModules(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
  const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`loading ${entry} failed: ${result.stderr}`);
  const lastLine = result.stdout.trim().split('\n').pop()!;
  return (JSON.parse(lastLine) as string[]).filter((file) => !file.includes('node_modules')).map((file) => path.relative(ROOT, file));
}

describe('the realtime service module graph', () => {
  it('loads no activity implementations (billing PDFs, chat assistant, WhatsApp): only the texts its tools speak', () => {
    // Everything it loads stays in its heap for the life of the process, and every full GC marks it
    // again while 200 calls wait; one runtime import of the activities index once doubled that heap.
    const loaded = loadedModules('./realtime');
    expect(loaded).toContain('realtime/call-bridge.ts');
    expect(loaded.filter((file) => file.startsWith('activities/'))).toEqual(['activities/notification-texts.ts']);
    expect(loaded.filter((file) => file.startsWith('platform/pdf') || file.startsWith('platform/whatsapp'))).toEqual([]);
  }, 60_000);
});

/**
 * Static checks of the production deployment: docker-compose.yml, the
 * Dockerfile, the nginx configuration and .env.example. No Docker engine is
 * needed; the nginx configuration is checked by the real `nginx -t`.
 *
 * How the nginx check works: the config names every file it needs by a path
 * relative to nginx.conf (certs/, auth/, snippets/, conf.d/, mime.types), and
 * proxies with `proxy_pass http://$variable` + `resolver`, so upstream names
 * (api, web, ...) are resolved per request and never at start-up. A copy of
 * docker/nginx in a temporary directory, with throw-away certificates made by
 * `openssl req`, is therefore valid as is for `nginx -t -p <tmp> -c <tmp>/nginx.conf`.
 * Only machine-specific lines are adapted, never routing, TLS or upstreams:
 * `user nginx;` (that account exists in the nginx image, not on a CI host), and
 * the pid and temp-file paths, and, only when not root, the listen ports 80/443
 * (nginx -t binds them), so a non-root developer can run the test too.
 *
 * nginx and openssl must be installed (`apt-get install -y nginx openssl`).
 * Outside CI the nginx check is skipped, with a message, when one is missing;
 * with CI=true it fails instead.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { REALTIME_NODE_FLAGS } from '../../realtime/node-flags';
import { applicationServices } from '../../scripts/lib/services';

const ROOT = path.resolve(__dirname, '..', '..');
const readRepoFile = (relative: string): string => fs.readFileSync(path.join(ROOT, relative), 'utf8');

// ---------------------------------------------------------------- compose model
type EnvironmentValue = string | number | boolean | null;
interface DependsOnEntry {
  condition?: string;
}
interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  depends_on?: string[] | Record<string, DependsOnEntry>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  environment?: Record<string, EnvironmentValue> | string[];
  env_file?: string | Array<string | { path: string }>;
  ports?: Array<string | number | { published?: string | number; target?: number; host_ip?: string }>;
  expose?: Array<string | number>;
  volumes?: Array<string | { type?: string; source?: string; target?: string }>;
  entrypoint?: string | string[];
  command?: string | string[];
  restart?: string;
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const composeText = readRepoFile('docker-compose.yml');
// `merge: true` resolves the `<<: *anchor` merge keys the file uses (as compose does).
const compose = parse(composeText, { merge: true }) as ComposeFile;
const services = compose.services ?? {};

const APP_SERVICES = ['api', 'worker', 'realtime', 'whatsapp', 'web'] as const;
const ONE_SHOT_JOBS = ['temporal-schema', 'temporal-namespace', 'migrations'] as const;
const REQUIRED_SERVICES = [
  'postgres',
  'temporal-schema',
  'temporal',
  'temporal-namespace',
  'temporal-ui',
  'migrations',
  ...APP_SERVICES,
  'nginx',
  'n8n',
];
const SEARCH_ATTRIBUTES = ['BusinessId', 'LeadId', 'AppointmentId', 'CallSid', 'Channel', 'Kind'];

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function dependsOn(svc: ComposeService): Record<string, string> {
  const raw = svc.depends_on;
  if (!raw) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(raw).map(([name, entry]) => [name, entry?.condition ?? 'service_started']));
}

function environment(svc: ComposeService): Record<string, string> {
  const raw = svc.environment;
  if (!raw) return {};
  if (Array.isArray(raw)) {
    return Object.fromEntries(
      raw.map((item) => {
        const eq = item.indexOf('=');
        return eq === -1 ? [item, ''] : [item.slice(0, eq), item.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

function commandText(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(' ') : value;
}

function volumeStrings(svc: ComposeService): Array<{ source: string; target: string }> {
  return (svc.volumes ?? []).map((volume) => {
    if (typeof volume === 'string') {
      // source:target[:mode]; the source may be ${VAR:-default} (contains ':').
      const match = /^(\$\{[^}]*\}|[^:]+):([^:]+)(?::[a-z,]+)?$/.exec(volume);
      if (!match) throw new Error(`cannot read volume "${volume}"`);
      return { source: match[1]!, target: match[2]! };
    }
    return { source: volume.source ?? '', target: volume.target ?? '' };
  });
}

/** `${VAR:-default}` -> default, anything else unchanged. */
function withDefault(value: string): string {
  const match = /^\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}$/.exec(value);
  return match ? match[1]! : value;
}

/** Every string (keys included) in a parsed YAML value. */
function collectStrings(value: unknown, into: string[] = []): string[] {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) value.forEach((item) => collectStrings(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      collectStrings(item, into);
    }
  }
  return into;
}

/** Variable names compose interpolates: ${VAR}, ${VAR:-x}, ${VAR:?x}, $VAR (not $$). */
function interpolatedVariables(text: string): string[] {
  const names: string[] = [];
  const pattern = /\$(\$|\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  for (const match of text.matchAll(pattern)) {
    if (match[1] === '$') continue; // $$ is a literal dollar sign
    names.push((match[2] ?? match[3])!);
  }
  return names;
}

// ---------------------------------------------------------------- .env.example model
interface EnvEntry {
  key: string;
  value: string;
  line: number;
  commentAbove: string | null;
}

function parseEnvExample(text: string): EnvEntry[] {
  const lines = text.split(/\r?\n/);
  const entries: EnvEntry[] = [];
  lines.forEach((line, index) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) return;
    const above = index > 0 ? lines[index - 1]!.trim() : '';
    entries.push({
      key: match[1]!,
      value: match[2]!,
      line: index + 1,
      commentAbove: above.startsWith('#') && above.replace(/^#+/, '').trim().length > 0 ? above : null,
    });
  });
  return entries;
}

const envExampleText = readRepoFile('.env.example');
const envEntries = parseEnvExample(envExampleText);
const envKeys = new Set(envEntries.map((entry) => entry.key));

// ---------------------------------------------------------------- Dockerfile model
interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string | null;
  base: string;
  instructions: Instruction[];
}

function parseDockerfile(text: string): { stages: Stage[] } {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  let pending = '';
  const logical: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const trimmed = raw.trim();
    if (!pending && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (pending && trimmed.startsWith('#')) continue; // comment inside a continued instruction
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + trimmed);
    pending = '';
  }
  if (pending) logical.push(pending);

  for (const line of logical) {
    const match = /^([A-Za-z]+)\s*(.*)$/s.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const from = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(args);
      if (!from) throw new Error(`cannot read FROM ${args}`);
      const base = from[1]!.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => globalArgs[name] ?? '');
      stages.push({ name: from[2] ?? null, base, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') {
        const arg = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(args);
        if (arg) globalArgs[arg[1]!] = (arg[2] ?? '').replace(/^["']|["']$/g, '');
      }
    } else {
      stages[stages.length - 1]!.instructions.push({ keyword, args });
    }
  }
  return { stages };
}

/** Instructions of a stage including those it inherits from parent stages, oldest first. */
function stageChain(stages: Stage[], name: string): Stage[] {
  const chain: Stage[] = [];
  let current = stages.find((stage) => stage.name === name);
  while (current) {
    chain.unshift(current);
    const parentName = current.base;
    current = stages.find((stage) => stage.name === parentName);
  }
  return chain;
}

function lastInstruction(chain: Stage[], keyword: string): Instruction | undefined {
  return chain
    .flatMap((stage) => stage.instructions)
    .filter((instruction) => instruction.keyword === keyword)
    .pop();
}

interface BuiltService {
  service: string;
  dockerfile: string;
  target: string | null;
}

const builtServices: BuiltService[] = Object.entries(services)
  .filter(([, svc]) => svc.build !== undefined)
  .map(([name, svc]) => {
    const build = typeof svc.build === 'string' ? { context: svc.build } : svc.build!;
    const context = path.resolve(ROOT, build.context ?? '.');
    return {
      service: name,
      dockerfile: path.resolve(context, build.dockerfile ?? 'Dockerfile'),
      target: build.target ?? null,
    };
  });

// ---------------------------------------------------------------- nginx helpers
const NGINX_DIR = path.join(ROOT, 'docker', 'nginx');
const nginxConf = readRepoFile('docker/nginx/nginx.conf');
const siteConf = readRepoFile('docker/nginx/conf.d/prosaas.conf');
const proxyHeaders = readRepoFile('docker/nginx/snippets/proxy-headers.conf');
const securityHeaders = readRepoFile('docker/nginx/snippets/security-headers.conf');

/** The body of the block opened by `opener` (e.g. "location /api/"), braces balanced. */
function block(text: string, opener: string): string {
  const start = text.indexOf(`${opener} {`);
  if (start === -1) throw new Error(`no "${opener} {" block`);
  let depth = 0;
  for (let i = text.indexOf('{', start); i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return text.slice(text.indexOf('{', start) + 1, i);
    }
  }
  throw new Error(`unbalanced braces after "${opener}"`);
}

/** `set $name host:port;` declarations in the site config. */
function upstreamVariables(): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of siteConf.matchAll(/^\s*set\s+\$(\w+)\s+([^;\s]+);/gm)) result[match[1]!] = match[2]!;
  return result;
}

/** Bodies of the top-level `server { ... }` blocks of the site config. */
function serverBlocks(): string[] {
  const bodies: string[] = [];
  let rest = siteConf;
  while (/^\s*server\s*\{/m.test(rest)) {
    const opener = /^\s*server\s*\{/m.exec(rest)!;
    const body = block(rest.slice(opener.index), 'server');
    bodies.push(body);
    rest = rest.slice(rest.indexOf(body, opener.index) + body.length);
  }
  return bodies;
}

const httpServer = serverBlocks().find((body) => /^\s*listen\s+80\b/m.test(body)) ?? '';
const httpsServer = serverBlocks().find((body) => /^\s*listen\s+443\s+ssl\b/m.test(body)) ?? '';

/** The upstream (host:port) a location of the HTTPS server proxies to. */
function proxiedTo(locationOpener: string): string {
  const body = block(httpsServer, locationOpener);
  const match = /proxy_pass\s+http:\/\/\$(\w+)\s*;/.exec(body);
  if (!match) throw new Error(`${locationOpener} has no proxy_pass http://$variable`);
  const target = upstreamVariables()[match[1]!];
  if (!target) throw new Error(`${locationOpener} proxies to undeclared $${match[1]}`);
  return target;
}

function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const NGINX_BIN = findExecutable('nginx');
const OPENSSL_BIN = findExecutable('openssl');
const missingTools = [NGINX_BIN ? null : 'nginx', OPENSSL_BIN ? null : 'openssl'].filter(Boolean) as string[];
const RUNNING_IN_CI = process.env.CI === 'true';
const nginxTestSkipped = missingTools.length > 0 && !RUNNING_IN_CI;
if (nginxTestSkipped) {
  console.warn(
    `production-shape: SKIPPING "nginx -t": ${missingTools.join(' and ')} not installed ` +
      `(apt-get install -y nginx openssl). In CI (CI=true) this check runs and fails instead.`,
  );
}

/** Copy docker/nginx to a temp prefix with test certificates; returns the prefix. */
function prepareNginxPrefix(): string {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'prosaas-nginx-'));
  fs.copyFileSync(path.join(NGINX_DIR, 'nginx.conf'), path.join(prefix, 'nginx.conf'));
  fs.cpSync(path.join(NGINX_DIR, 'conf.d'), path.join(prefix, 'conf.d'), { recursive: true });
  fs.cpSync(path.join(NGINX_DIR, 'snippets'), path.join(prefix, 'snippets'), { recursive: true });

  // mime.types ships with every nginx package; the official image has its own.
  const systemMimeTypes = ['/etc/nginx/mime.types', '/usr/local/nginx/conf/mime.types'].find((file) =>
    fs.existsSync(file),
  );
  if (systemMimeTypes) fs.copyFileSync(systemMimeTypes, path.join(prefix, 'mime.types'));
  else fs.writeFileSync(path.join(prefix, 'mime.types'), 'types {\n    text/html html;\n}\n');

  fs.mkdirSync(path.join(prefix, 'certs'));
  const openssl = spawnSync(
    OPENSSL_BIN!,
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=prosaas.test',
      '-keyout', path.join(prefix, 'certs', 'privkey.pem'),
      '-out', path.join(prefix, 'certs', 'fullchain.pem'),
    ],
    { encoding: 'utf8' },
  );
  if (openssl.status !== 0) throw new Error(`openssl req failed: ${openssl.stderr}`);

  fs.mkdirSync(path.join(prefix, 'auth'));
  // Read per request, not by nginx -t; present so the prefix mirrors the container.
  fs.writeFileSync(path.join(prefix, 'auth', 'temporal-ui.htpasswd'), 'admin:$apr1$prosaas$0000000000000000000000\n');

  // Machine-specific adaptations (see the header comment): the worker user, and
  // pid/temp paths inside the prefix so no write access to /run or /var/lib is
  // needed. Nothing about routing, TLS or upstreams is touched.
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  let conf = fs.readFileSync(path.join(prefix, 'nginx.conf'), 'utf8');
  conf = conf.replace(/^user\s+[^;]+;/m, isRoot ? 'user root;' : '');
  const tempPaths = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `    ${kind}_temp_path ${path.join(prefix, 'tmp', kind)};`)
    .join('\n');
  conf = conf.replace(/^http\s*\{/m, `http {\n${tempPaths}`);
  conf = `pid ${path.join(prefix, 'nginx.pid')};\n${conf}`;
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  fs.mkdirSync(path.join(prefix, 'tmp'));
  if (!isRoot) {
    // `nginx -t` binds the listen sockets; without root, 80/443 are refused.
    const site = path.join(prefix, 'conf.d', 'prosaas.conf');
    const remapped = fs
      .readFileSync(site, 'utf8')
      .replace(/\blisten\s+80\b/g, 'listen 18080')
      .replace(/\blisten\s+443\b/g, 'listen 18443');
    fs.writeFileSync(site, remapped);
  }
  return prefix;
}

function nginxSupportsErrorLogFlag(): boolean {
  const version = spawnSync(NGINX_BIN!, ['-v'], { encoding: 'utf8' });
  const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${version.stderr}${version.stdout}`);
  if (!match) return false;
  const [major, minor, patch] = match.slice(1).map(Number) as [number, number, number];
  return major > 1 || minor > 19 || (minor === 19 && patch >= 5);
}

function runNginxTest(prefix: string): { status: number | null; output: string } {
  const args = ['-t', '-p', `${prefix}${path.sep}`, '-c', path.join(prefix, 'nginx.conf')];
  if (nginxSupportsErrorLogFlag()) args.push('-e', 'stderr');
  // nginx opens /dev/stdout for the access log; Node's default stdio pipes are
  // sockets, which cannot be opened that way, so give it a real file.
  const logFile = path.join(prefix, 'nginx-t.log');
  const fd = fs.openSync(logFile, 'w');
  try {
    const result = spawnSync(NGINX_BIN!, args, { stdio: ['ignore', fd, fd] });
    return { status: result.status, output: fs.readFileSync(logFile, 'utf8') };
  } finally {
    fs.closeSync(fd);
  }
}

// =================================================================== tests
describe('docker-compose.yml', () => {
  it('defines every service of the production stack', () => {
    const missing = REQUIRED_SERVICES.filter((name) => !services[name]);
    expect(missing).toEqual([]);
  });

  it('health-checks every app service on /health and starts it only after healthy or completed dependencies', () => {
    for (const name of APP_SERVICES) {
      const svc = service(name);
      const test = commandText(svc.healthcheck?.test);
      expect({ name, hitsHealth: test.includes('/health') }).toEqual({ name, hitsHealth: true });
      const deps = dependsOn(svc);
      expect({ name, postgres: deps.postgres }).toEqual({ name, postgres: 'service_healthy' });
      expect({ name, migrations: deps.migrations }).toEqual({ name, migrations: 'service_completed_successfully' });
      expect({ name, temporal: deps['temporal-namespace'] }).toEqual({
        name,
        temporal: 'service_completed_successfully',
      });
    }
  });

  it('probes each app service on the port that service is pinned to', () => {
    const portVariable: Record<string, string> = {
      api: 'API_PORT',
      worker: 'WORKER_HEALTH_PORT',
      realtime: 'REALTIME_PORT',
      whatsapp: 'WHATSAPP_PORT',
      web: 'PORT',
    };
    for (const name of APP_SERVICES) {
      const svc = service(name);
      const pinned = environment(svc)[portVariable[name]!];
      const probe = /127\.0\.0\.1:(\d+)\//.exec(commandText(svc.healthcheck?.test));
      expect({ name, probe: probe?.[1] }).toEqual({ name, probe: pinned });
    }
  });

  it('waits only on conditions the dependency can meet', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const [dependency, condition] of Object.entries(dependsOn(svc))) {
        const target = services[dependency];
        expect({ name, dependency, exists: Boolean(target) }).toEqual({ name, dependency, exists: true });
        if (condition === 'service_healthy') {
          expect({ dependency, healthcheck: Boolean(target?.healthcheck?.test) }).toEqual({
            dependency,
            healthcheck: true,
          });
        } else if (condition === 'service_completed_successfully') {
          expect({ dependency, oneShot: (ONE_SHOT_JOBS as readonly string[]).includes(dependency) }).toEqual({
            dependency,
            oneShot: true,
          });
        } else {
          expect(condition).toBe('service_started');
        }
      }
    }
  });

  it('restarts long-running services and runs one-shot jobs exactly once', () => {
    for (const [name, svc] of Object.entries(services)) {
      const expected = (ONE_SHOT_JOBS as readonly string[]).includes(name) ? ['no'] : ['unless-stopped', 'always'];
      expect({ name, restart: expected.includes(String(svc.restart)) }).toEqual({ name, restart: true });
    }
  });

  it('never uses the deprecated temporalio/auto-setup image', () => {
    const autoSetup = Object.entries(services).filter(([, svc]) => (svc.image ?? '').includes('auto-setup'));
    expect(autoSetup.map(([name]) => name)).toEqual([]);
  });

  it('runs the Temporal server on PostgreSQL after the admin-tools schema job', () => {
    const temporal = service('temporal');
    expect(temporal.image).toMatch(/^temporalio\/server:/);
    const env = environment(temporal);
    expect(env.DB).toMatch(/^postgres12(_pgx)?$/);
    expect(env.POSTGRES_SEEDS).toBe('postgres');
    expect(env.POSTGRES_PWD).toMatch(/^\$\{TEMPORAL_DB_PASSWORD/);
    expect(dependsOn(temporal)['temporal-schema']).toBe('service_completed_successfully');
    expect(dependsOn(temporal).postgres).toBe('service_healthy');

    const dynamicConfig = env.DYNAMIC_CONFIG_FILE_PATH!;
    const mount = volumeStrings(temporal).find((volume) => dynamicConfig.startsWith(`${volume.target}/`));
    expect(mount).toBeDefined();
    const hostFile = path.join(ROOT, mount!.source, path.relative(mount!.target, dynamicConfig));
    expect(parse(fs.readFileSync(hostFile, 'utf8'))).toHaveProperty(['limit.maxIDLength']);
  });

  it('creates and upgrades both Temporal databases with temporal-sql-tool', () => {
    const job = service('temporal-schema');
    expect(job.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(job).postgres).toBe('service_healthy');
    const script = scriptOf('temporal-schema');
    expect(script).toContain('temporal-sql-tool');
    for (const step of ['create', 'setup-schema -v 0.0', 'update-schema']) expect(script).toContain(step);
    expect(script).toMatch(/setup_db temporal\s/);
    expect(script).toMatch(/setup_db temporal_visibility\s/);
    expect(script).toContain('postgresql/v12');
  });

  it('registers the namespace and every custom search attribute with the temporal CLI', () => {
    const job = service('temporal-namespace');
    expect(job.image).toMatch(/^temporalio\/admin-tools:/);
    expect(dependsOn(job).temporal).toBe('service_healthy');
    const script = scriptOf('temporal-namespace');
    expect(script).toContain('temporal operator namespace create');
    expect(script).toContain('temporal operator namespace describe');
    expect(script).toContain('temporal operator search-attribute create');
    for (const attribute of SEARCH_ATTRIBUTES) expect(script).toMatch(new RegExp(`\\b${attribute}:Keyword\\b`));
    expect(environment(job).TEMPORAL_NAMESPACE).toMatch(/^\$\{TEMPORAL_NAMESPACE/);
  });

  it('pins every image to an explicit tag other than latest', () => {
    for (const [name, svc] of Object.entries(services)) {
      expect({ name, image: Boolean(svc.image) }).toEqual({ name, image: true });
      const image = svc.image!;
      if (image.includes('@sha256:')) continue;
      const lastSegment = image.slice(image.lastIndexOf('/') + 1);
      const colon = lastSegment.indexOf(':');
      expect({ name, tagged: colon > 0 }).toEqual({ name, tagged: true });
      const tag = withDefault(lastSegment.slice(colon + 1));
      const variable = /^\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(lastSegment.slice(colon + 1))?.[1];
      const effective = variable ? (envEntries.find((entry) => entry.key === variable)?.value ?? tag) : tag;
      expect({ name, tag: effective }).not.toEqual({ name, tag: 'latest' });
      expect(effective).not.toBe('');
    }
  });

  it('publishes ports 80 and 443 on nginx and nothing else to the outside world', () => {
    const published = (svc: ComposeService) => (svc.ports ?? []).map((port) => String(port));
    expect(published(service('nginx'))).toEqual(expect.arrayContaining(['80:80', '443:443']));
    for (const [name, svc] of Object.entries(services)) {
      if (name === 'nginx') continue;
      for (const port of published(svc)) {
        expect({ name, port, loopbackOnly: port.startsWith('127.0.0.1:') }).toEqual({
          name,
          port,
          loopbackOnly: true,
        });
      }
    }
  });

  it('mounts the nginx config, TLS certificates and Temporal UI credentials into nginx', () => {
    const mounts = volumeStrings(service('nginx'));
    const targets = mounts.map((mount) => mount.target);
    expect(targets).toEqual(
      expect.arrayContaining([
        '/etc/nginx/nginx.conf',
        '/etc/nginx/conf.d',
        '/etc/nginx/snippets',
        '/etc/nginx/certs',
        '/etc/nginx/auth',
      ]),
    );
    expect(mounts.find((mount) => mount.target === '/etc/nginx/nginx.conf')?.source).toBe('./docker/nginx/nginx.conf');
    expect(mounts.find((mount) => mount.target === '/etc/nginx/conf.d')?.source).toBe('./docker/nginx/conf.d');
  });

  it('bind-mounts only files and directories that exist in the repository (or come from .env)', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const mount of volumeStrings(svc)) {
        const source = withDefault(mount.source);
        if (!source.startsWith('./')) continue; // named volume
        expect({ name, source, exists: fs.existsSync(path.join(ROOT, source)) }).toEqual({
          name,
          source,
          exists: true,
        });
      }
    }
  });

  it('gives every Node service the shared .env file', () => {
    for (const name of [...APP_SERVICES, 'migrations']) {
      const envFile = service(name).env_file;
      const files = (Array.isArray(envFile) ? envFile : [envFile]).map((file) =>
        typeof file === 'object' && file ? file.path : file,
      );
      expect({ name, files }).toEqual({ name, files: ['.env'] });
    }
  });

  it('hands the table-owner database URL to the migrations job only', () => {
    expect(environment(service('migrations')).DATABASE_ADMIN_URL).toMatch(/^\$\{DATABASE_ADMIN_URL/);
    for (const name of APP_SERVICES) {
      expect({ name, adminUrl: environment(service(name)).DATABASE_ADMIN_URL }).toEqual({ name, adminUrl: '' });
    }
  });

  it('hard-codes no secret: every credential is interpolated from .env', () => {
    const secretKey = /(PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_KEY|ENCRYPTION_KEY|AUTH)/;
    for (const [name, svc] of Object.entries(services)) {
      for (const [key, value] of Object.entries(environment(svc))) {
        if (!secretKey.test(key) || value === '') continue;
        expect({ name, key, interpolated: /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?\}$/.test(value) }).toEqual({
          name,
          key,
          interpolated: true,
        });
      }
    }
    // No literal credentials inside connection URLs either.
    expect(composeText).not.toMatch(/postgres(ql)?:\/\/[^$\s:]+:[^$\s@]+@/);
  });

  it('declares every variable it interpolates in .env.example', () => {
    const used = new Set(collectStrings(compose).flatMap(interpolatedVariables));
    const undeclared = [...used].filter((name) => !envKeys.has(name)).sort();
    expect(undeclared).toEqual([]);
  });

  it('makes n8n opt-in through a compose profile', () => {
    expect(service('n8n').profiles).toEqual(['n8n']);
  });
});

describe('.env.example', () => {
  const REQUIRED_VARIABLES = [
    'DATABASE_URL', 'DATABASE_ADMIN_URL', 'DATABASE_APP_PASSWORD',
    'TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'TEMPORAL_UI_URL',
    'API_PORT', 'REALTIME_PORT', 'WEB_PORT', 'WORKER_HEALTH_PORT', 'WHATSAPP_PORT',
    'TEMPORAL_PORT', 'TEMPORAL_UI_PORT',
    'PUBLIC_BASE_URL', 'PUBLIC_REALTIME_URL', 'TRUST_PROXY',
    'SESSION_SECRET', 'STREAM_TOKEN_SECRET', 'PROSAAS_DEMO_PASSWORD',
    'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_REALTIME_MODEL',
    'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_API_BASE_URL', 'TWILIO_VALIDATE_SIGNATURES',
    'RECORDINGS_DIR', 'RECORDING_RETENTION_DAYS', 'LOG_LEVEL', 'NODE_ENV',
  ];

  it('lists every variable the services read', () => {
    expect(REQUIRED_VARIABLES.filter((name) => !envKeys.has(name))).toEqual([]);
  });

  it('documents every variable with a comment on the line above it', () => {
    const undocumented = envEntries.filter((entry) => entry.commentAbove === null).map((entry) => entry.key);
    expect(undocumented).toEqual([]);
  });

  it('declares each variable once', () => {
    const seen = new Set<string>();
    const duplicates = envEntries.filter((entry) => (seen.has(entry.key) ? true : (seen.add(entry.key), false)));
    expect(duplicates.map((entry) => entry.key)).toEqual([]);
  });

  it('marks the development-only variables', () => {
    for (const key of ['TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'PROSAAS_DEMO_PASSWORD']) {
      const entry = envEntries.find((candidate) => candidate.key === key);
      expect({ key, comment: entry?.commentAbove ?? '' }).toEqual({ key, comment: expect.stringMatching(/dev only/i) });
    }
  });

  it('ships empty secrets, never real ones', () => {
    const secretKey = /(PASSWORD|SECRET|TOKEN|API_KEY|ENCRYPTION_KEY)$/;
    const filled = envEntries.filter((entry) => secretKey.test(entry.key) && entry.value !== '');
    expect(filled.map((entry) => entry.key)).toEqual([]);
    expect(envEntries.find((entry) => entry.key === 'TWILIO_VALIDATE_SIGNATURES')?.value).toBe('true');
  });
});

describe('Dockerfiles', () => {
  it('exist for every built service and define the target each service names', () => {
    expect(builtServices.map((built) => built.service).sort()).toEqual(['migrations', ...APP_SERVICES].sort());
    for (const built of builtServices) {
      expect({ service: built.service, exists: fs.existsSync(built.dockerfile) }).toEqual({
        service: built.service,
        exists: true,
      });
      const { stages } = parseDockerfile(fs.readFileSync(built.dockerfile, 'utf8'));
      if (built.target) {
        expect({ service: built.service, target: stages.some((stage) => stage.name === built.target) }).toEqual({
          service: built.service,
          target: true,
        });
      }
    }
  });

  it('build in several stages and give each service its own final stage', () => {
    for (const built of builtServices) {
      const { stages } = parseDockerfile(fs.readFileSync(built.dockerfile, 'utf8'));
      expect(stages.length).toBeGreaterThanOrEqual(3);
      const chain = built.target ? stageChain(stages, built.target) : [stages[stages.length - 1]!];
      expect({ service: built.service, stagesInChain: chain.length >= 2 }).toEqual({
        service: built.service,
        stagesInChain: true,
      });
      expect(lastInstruction(chain, 'CMD')?.args ?? '').toMatch(/node/);
    }
    const targets = builtServices.map((built) => built.target);
    expect(new Set(targets).size).toBe(targets.length);
  });

  it('start the realtime service with the V8 flags it is benchmarked with', () => {
    const built = builtServices.find((b) => b.service === 'realtime')!;
    const { stages } = parseDockerfile(fs.readFileSync(built.dockerfile, 'utf8'));
    const command = JSON.parse(lastInstruction(stageChain(stages, built.target!), 'CMD')!.args) as string[];
    expect(command).toEqual(['node', ...REALTIME_NODE_FLAGS, 'dist/realtime/main.js']);
    expect(applicationServices({ api: 1, realtime: 2, web: 3, worker: 4, whatsapp: 5 }).find((spec) => spec.name === 'realtime')!.args.slice(0, REALTIME_NODE_FLAGS.length)).toEqual([...REALTIME_NODE_FLAGS]);
  });

  it('run every service as a non-root user', () => {
    for (const built of builtServices) {
      const { stages } = parseDockerfile(fs.readFileSync(built.dockerfile, 'utf8'));
      const chain = built.target ? stageChain(stages, built.target) : [stages[stages.length - 1]!];
      const user = lastInstruction(chain, 'USER')?.args.split(':')[0]?.trim() ?? 'root';
      expect({ service: built.service, user: ['root', '0', ''].includes(user) ? 'root' : 'non-root' }).toEqual({
        service: built.service,
        user: 'non-root',
      });
    }
  });

  it('run on Node 24 with production dependencies installed from the lockfile', () => {
    for (const built of builtServices) {
      const text = fs.readFileSync(built.dockerfile, 'utf8');
      const { stages } = parseDockerfile(text);
      const chain = built.target ? stageChain(stages, built.target) : [stages[stages.length - 1]!];
      expect(chain[0]!.base).toMatch(/^node:24[-.\w]*$/);
      expect(text).toMatch(/COPY\s+package\.json\s+package-lock\.json/);
      const code = text.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
      expect(code).not.toMatch(/npm install\s+[a-z@]/); // no ad-hoc package outside the lockfile

      const copyModules = chain
        .flatMap((stage) => stage.instructions)
        .find((instruction) => instruction.keyword === 'COPY' && /node_modules/.test(instruction.args));
      const fromStage = /--from=(\S+)/.exec(copyModules?.args ?? '')?.[1];
      expect({ service: built.service, copiesNodeModulesFromStage: Boolean(fromStage) }).toEqual({
        service: built.service,
        copiesNodeModulesFromStage: true,
      });
      const installer = stageChain(stages, fromStage!)
        .flatMap((stage) => stage.instructions)
        .filter((instruction) => instruction.keyword === 'RUN')
        .map((instruction) => instruction.args)
        .join('\n');
      expect(installer).toMatch(/npm install\b[^\n]*--omit=dev/);
    }
  });

  it('declare a HEALTHCHECK in every long-running service image', () => {
    for (const built of builtServices) {
      if (built.service === 'migrations') continue;
      const { stages } = parseDockerfile(fs.readFileSync(built.dockerfile, 'utf8'));
      const healthcheck = lastInstruction(stageChain(stages, built.target!), 'HEALTHCHECK');
      expect({ service: built.service, healthcheck: healthcheck?.args ?? 'NONE' }).toEqual({
        service: built.service,
        healthcheck: expect.stringMatching(/CMD .*\/health/),
      });
    }
  });

  it('keep dependencies, build output and secrets out of the build context', () => {
    const ignored = readRepoFile('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'dist', '.env', 'web/build']) expect(ignored).toContain(entry);
  });
});

describe('nginx configuration', () => {
  it('proxies /api and /webhooks to the api, /media-stream to realtime and / to the CRM', () => {
    expect(proxiedTo('location /api/')).toBe('api:3000');
    expect(proxiedTo('location /webhooks/')).toBe('api:3000');
    expect(proxiedTo('location /media-stream')).toBe('realtime:3001');
    expect(proxiedTo('location /')).toBe('web:3000');
  });

  it('proxies only to compose services, on the ports those services listen on', () => {
    const listening: Record<string, string> = {
      api: environment(service('api')).API_PORT!,
      realtime: environment(service('realtime')).REALTIME_PORT!,
      web: environment(service('web')).PORT!,
      'temporal-ui': environment(service('temporal-ui')).TEMPORAL_UI_PORT!,
    };
    for (const target of Object.values(upstreamVariables())) {
      const [host, port] = target.split(':');
      expect({ target, port: listening[host!] }).toEqual({ target, port });
    }
  });

  it('upgrades /media-stream to a WebSocket with hour-long timeouts', () => {
    const mediaStream = block(httpsServer, 'location /media-stream');
    expect(proxyHeaders).toMatch(/proxy_http_version\s+1\.1;/);
    expect(proxyHeaders).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(proxyHeaders).toMatch(/proxy_set_header\s+Connection\s+\$connection_upgrade;/);
    expect(nginxConf).toMatch(/map\s+\$http_upgrade\s+\$connection_upgrade/);
    expect(mediaStream).toMatch(/proxy_read_timeout\s+3600s;/);
    expect(mediaStream).toMatch(/proxy_send_timeout\s+3600s;/);
    // No proxy_set_header in the location, so the server-level upgrade headers apply.
    expect(mediaStream).not.toMatch(/proxy_set_header/);
  });

  it('serves the Temporal UI under /temporal/ behind basic auth, matching the UI public path', () => {
    const temporalUi = block(httpsServer, 'location /temporal/');
    expect(temporalUi).toMatch(/auth_basic\s+"[^"]+";/);
    expect(temporalUi).toMatch(/auth_basic_user_file\s+auth\/temporal-ui\.htpasswd;/);
    expect(proxiedTo('location /temporal/')).toBe('temporal-ui:8080');
    expect(environment(service('temporal-ui')).TEMPORAL_UI_PUBLIC_PATH).toBe('/temporal');
    expect(envEntries.find((entry) => entry.key === 'TEMPORAL_UI_URL')?.value).toMatch(/^https:\/\/[^/]+\/temporal$/);
  });

  it('redirects plain HTTP to HTTPS and terminates TLS with the mounted certificates', () => {
    expect(block(httpServer, 'location /')).toMatch(/return\s+301\s+https:\/\/\$host\$request_uri;/);
    expect(httpsServer).toMatch(/include\s+snippets\/tls\.conf;/);
    const tls = readRepoFile('docker/nginx/snippets/tls.conf');
    expect(tls).toMatch(/ssl_certificate\s+certs\/fullchain\.pem;/);
    expect(tls).toMatch(/ssl_certificate_key\s+certs\/privkey\.pem;/);
  });

  it('forwards the original scheme, host and client address the api needs for Twilio signatures', () => {
    expect(proxyHeaders).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;/);
    expect(proxyHeaders).toMatch(/proxy_set_header\s+X-Forwarded-Host\s+\$host;/);
    expect(proxyHeaders).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$\S+;/);
    expect(proxyHeaders).toMatch(/proxy_set_header\s+Host\s+\$host;/);
    expect(httpsServer).toMatch(/include\s+snippets\/proxy-headers\.conf;/);
  });

  it('logs JSON, compresses text, limits bodies and sends security headers', () => {
    expect(nginxConf).toMatch(/log_format\s+json\s+escape=json/);
    expect(nginxConf).toMatch(/access_log\s+\S+\s+json;/);
    expect(nginxConf).toMatch(/gzip\s+on;/);
    expect(nginxConf).toMatch(/client_max_body_size\s+\d+m;/);
    for (const header of ['Strict-Transport-Security', 'X-Content-Type-Options', 'X-Frame-Options', 'Referrer-Policy']) {
      expect(securityHeaders).toMatch(new RegExp(`add_header\\s+${header}\\s+"[^"]+"\\s+always;`));
    }
    expect(httpsServer).toMatch(/include\s+snippets\/security-headers\.conf;/);
  });

  (nginxTestSkipped ? it.skip : it)(
    nginxTestSkipped
      ? `passes nginx -t (SKIPPED: ${missingTools.join(' and ')} not installed; apt-get install -y nginx openssl)`
      : 'passes nginx -t with test certificates in a temporary prefix',
    () => {
      if (missingTools.length > 0) {
        throw new Error(
          `${missingTools.join(' and ')} not installed; CI must run \`apt-get install -y nginx openssl\` before the tests`,
        );
      }
      const prefix = prepareNginxPrefix();
      try {
        const result = runNginxTest(prefix);
        if (result.status !== 0) throw new Error(`nginx -t failed:\n${result.output}`);
        expect(result.output).toMatch(/test is successful/);

        // The harness must be able to fail: a broken copy is rejected.
        fs.appendFileSync(path.join(prefix, 'conf.d', 'prosaas.conf'), '\nthis_is_not_a_directive on;\n');
        expect(runNginxTest(prefix).status).not.toBe(0);
      } finally {
        fs.rmSync(prefix, { recursive: true, force: true });
      }
    },
  );
});

/** The script a one-shot admin-tools job runs (its entrypoint names a mounted file). */
function scriptOf(serviceName: string): string {
  const svc = service(serviceName);
  const invoked = `${commandText(svc.entrypoint)} ${commandText(svc.command)}`;
  const mount = volumeStrings(svc).find((volume) => invoked.includes(volume.target));
  if (!mount) throw new Error(`${serviceName} does not run a mounted script`);
  return fs.readFileSync(path.join(ROOT, mount.source), 'utf8');
}

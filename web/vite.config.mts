import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import adapter from '@sveltejs/adapter-node';
import type { Adapter } from '@sveltejs/kit';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig, type Plugin } from 'vite';

/**
 * The CRM web service. SvelteKit 3 takes its configuration through the Vite plugin
 * (svelte.config.js is no longer read), and it treats the current working directory
 * as the project root: run `vite dev` / `vite build` from web/.
 *
 * Dev server: WEB_HOST (default 127.0.0.1) and WEB_PORT (default 5173); a taken port
 * fails instead of silently moving to the next one.
 * Production (`node web/build`): adapter-node's own names, HOST and PORT (default
 * 0.0.0.0:3000), PROTOCOL_HEADER / HOST_HEADER (origin behind a proxy; without them the
 * origin is https://<Host header>), ADDRESS_HEADER, XFF_DEPTH, BODY_SIZE_LIMIT.
 *
 * The file is .mts because the repository's package.json (shared with the web app, which
 * has none of its own) is CommonJS, and the Kit plugin can only be loaded as ESM.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const host = process.env.WEB_HOST || '127.0.0.1';
const port = parsePort(process.env.WEB_PORT, 5173);

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: withRepoPackageJson(adapter({ out: 'build' })),
			// Kit 3 prefers package.json subpath imports (#lib), but the web app has no
			// package.json of its own; these aliases reach Vite and the generated tsconfig.
			alias: {
				$lib: 'src/lib',
				$data: '../data',
				$domain: '../domain',
				$platform: '../platform',
				// the API's session store, password check, throttle and schemas; the shared
				// workflow client code: the CRM reuses them instead of copying them
				$api: '../api',
				$activities: '../activities',
				$orchestration: '../orchestration',
				$temporal: '../temporal-config'
			}
		})
	],
	server: {
		host,
		port,
		strictPort: true,
		// server code imports the repo's shared TypeScript (data/, domain/, platform/)
		fs: { allow: [repoRoot] }
	},
	preview: { host, port, strictPort: true }
});

function parsePort(value: string | undefined, fallback: number): number {
	if (value === undefined || value === '') return fallback;
	const parsed = Number(value);
	if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
		throw new Error(`WEB_PORT must be an integer between 0 and 65535, got "${value}"`);
	}
	return parsed;
}

/**
 * adapter-node's build plugin reads `package.json` from the working directory to keep the
 * production dependencies external to the server bundle. The web app has no package.json
 * of its own (it shares the repository's), so while that plugin's config hook runs, a read
 * of the relative path `package.json` is answered from the repository root. The hook is
 * synchronous and the redirect is undone before it returns; syncBuiltinESMExports() carries
 * the swap to the adapter's `import * as fs`. (Kit runs part of the build in a worker
 * thread, where process.chdir() is unavailable.)
 */
function withRepoPackageJson(base: Adapter): Adapter {
	const vite = base.vite;
	if (!vite || typeof vite === 'function' || !vite.plugins || Array.isArray(vite.plugins)) {
		return base;
	}
	const { pre, post } = vite.plugins;
	return {
		...base,
		vite: {
			...vite,
			plugins: {
				pre: pre?.map(configHookReadingRepoPackageJson),
				post: post?.map(configHookReadingRepoPackageJson)
			}
		}
	};
}

function configHookReadingRepoPackageJson(plugin: Plugin): Plugin {
	const hook = plugin.config;
	if (typeof hook !== 'function') return plugin;
	const repoPackageJson = path.join(repoRoot, 'package.json');
	return {
		...plugin,
		config(...args) {
			const readFileSync = fs.readFileSync;
			fs.readFileSync = ((file: fs.PathOrFileDescriptor, options?: unknown) =>
				Reflect.apply(readFileSync, fs, [
					file === 'package.json' ? repoPackageJson : file,
					options
				])) as typeof fs.readFileSync;
			syncBuiltinESMExports();
			try {
				return hook.apply(this, args);
			} finally {
				fs.readFileSync = readFileSync;
				syncBuiltinESMExports();
			}
		}
	};
}

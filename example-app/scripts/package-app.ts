import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { zipSync } from 'fflate';

const AppDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const DefaultZipPath = join(AppDir, 'dist', 'app.zip');

export type PackageOptions = {
  /** Stamped into the bundle (/healthz "version"); default: `git rev-parse --short HEAD`. */
  version?: string;
  /** Zip path; default example-app/dist/app.zip. */
  out?: string;
  /**
   * Bundle @azure/monitor-opentelemetry (as a chunk loaded only when
   * APPLICATIONINSIGHTS_CONNECTION_STRING is set). Off by default: it triples build time and adds
   * about 4 MB; without it the app runs and logs that in-process export is unavailable.
   */
  telemetry?: boolean;
  /** Also write the zip's files unpacked into this folder (emptied first), for azd's `dist`. */
  site?: string;
};

export type PackageResult = { path: string; bytes: number; sha256: string; version: string };

/** The short SHA of HEAD, or "dev" outside a git checkout. */
export async function gitVersion(cwd = AppDir): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--short', 'HEAD'], { cwd });
    return stdout.trim() || 'dev';
  } catch {
    return 'dev';
  }
}

// Local-time components on purpose: fflate writes DOS times from local getters, so this is
// 1980-01-01 00:00 in every time zone and the zip bytes do not depend on TZ.
const FixedMtime = new Date(1980, 0, 1, 0, 0, 0);

/** npm wants a semver version; keep the build version as build metadata when it is not one. */
function semverFor(version: string, base: string): string {
  if (/^\d+\.\d+\.\d+(?:-[\w.-]+)?(?:\+[\w.-]+)?$/.test(version)) return version;
  const meta = version.replace(/[^0-9A-Za-z.-]/g, '-').replace(/^[.-]+|[.-]+$/g, '') || 'unknown';
  return `${base}+${meta}`;
}

/**
 * Builds the deployable zip: server.mjs (src/main.ts and every dependency in one ESM file) and a
 * minimal package.json. It runs with `node server.mjs`, with no install on the server, and the same
 * sources and version give the same bytes (fixed mtimes, sorted entries).
 */
export async function packageApp(opts: PackageOptions = {}): Promise<PackageResult> {
  const version = opts.version ?? (await gitVersion());
  const out = resolve(opts.out ?? DefaultZipPath);
  const manifest = JSON.parse(await readFile(join(AppDir, 'package.json'), 'utf8')) as {
    version: string;
  };

  const outdir = join(AppDir, 'dist', 'bundle');
  const bundle = await build({
    entryPoints: { server: join(AppDir, 'src', 'main.ts') },
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'esm',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    splitting: opts.telemetry === true,
    external: opts.telemetry ? [] : ['@azure/monitor-opentelemetry'],
    write: false,
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { __APP_VERSION__: JSON.stringify(version) },
    // Bundled CommonJS dependencies call require('node:…'); ESM output has no require of its own.
    banner: {
      js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
    },
  });
  const files = Object.fromEntries(
    bundle.outputFiles
      .map((f) => [relative(outdir, f.path).split('\\').join('/'), f.contents] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  if (!files['server.mjs']) throw new Error('esbuild produced no server.mjs');

  const pkg = {
    name: 'example-app',
    version: semverFor(version, manifest.version),
    private: true,
    type: 'module',
    main: 'server.mjs',
    scripts: { start: 'node server.mjs' },
    engines: { node: '>=24' },
  };
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {
    'package.json': [
      new TextEncoder().encode(`${JSON.stringify(pkg, null, 2)}\n`),
      { mtime: FixedMtime },
    ],
  };
  for (const [name, contents] of Object.entries(files))
    entries[name] = [contents, { mtime: FixedMtime }];
  // Level 1: a few percent larger than 6, and several times faster to write.
  const zip = zipSync(entries, { level: 1 });
  if (opts.site) {
    const site = resolve(opts.site);
    await rm(site, { recursive: true, force: true });
    for (const [name, [contents]] of Object.entries(entries)) {
      await mkdir(dirname(join(site, name)), { recursive: true });
      await writeFile(join(site, name), contents);
    }
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, zip);
  return {
    path: out,
    bytes: zip.byteLength,
    sha256: createHash('sha256').update(zip).digest('hex'),
    version,
  };
}

// Bundles the action into the committed dist/ for `runs.using: node24`.
import { rm } from 'node:fs/promises';
import { build } from 'esbuild';

await rm('dist', { recursive: true, force: true });
await build({
  // index.js is the main step, post.js the post step (action.yml runs.post).
  entryPoints: ['src/index.ts', 'src/post.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  // dist/index.js plus chunks: the Azure modes are a chunk loaded on first use, so `verify`
  // does not parse the Azure SDK at start.
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require('node:…'); ESM output has no require.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
});

// Bundles the action into one committed ESM file for `runs.using: node24`.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  outfile: 'dist/index.js',
  legalComments: 'none',
  logLevel: 'warning',
  // Bundled CommonJS dependencies call require('node:…'); ESM output has no require.
  banner: {
    js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
  },
});

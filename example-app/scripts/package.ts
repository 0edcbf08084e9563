// npm run package [-- --out <zip>] [--version <v>] [--telemetry] [--site <dir>]; APP_VERSION also sets the version.
import { parseArgs } from 'node:util';
import { packageApp } from './package-app.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    version: { type: 'string' },
    telemetry: { type: 'boolean' },
    site: { type: 'string' },
  },
  allowPositionals: false,
});
const started = performance.now();
const result = await packageApp({
  out: values.out,
  version: values.version ?? (process.env.APP_VERSION || undefined),
  telemetry: values.telemetry,
  site: values.site,
});
console.log(
  `packaged ${result.path} (${result.bytes} bytes, sha256 ${result.sha256}, version ${result.version}) in ${Math.round(performance.now() - started)} ms`,
);

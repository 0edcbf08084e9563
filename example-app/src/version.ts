// Replaced by the packager (esbuild `define`) with the git SHA or APP_VERSION of the build.
declare const __APP_VERSION__: string | undefined;

/** The version stamped at build time, or "dev" when running from source. */
const BuildVersion: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';

/** APP_VERSION (an app setting) wins over the build stamp, so a rehearsal can fake a version. */
export function resolveVersion(override: string | undefined): string {
  return override ?? BuildVersion;
}

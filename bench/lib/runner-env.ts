// The runner's environment for `node dist/index.js`, shared with the demo and the e2e tests.
export { distEntry, distPostEntry, root, runnerEnv } from '../../scripts/runner.ts';

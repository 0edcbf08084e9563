// Jest runs in native ESM mode (NODE_OPTIONS=--experimental-vm-modules, set by `npm test`)
// because @actions/core 3 and @actions/github 9 export only the "import" condition.
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2024' }, module: { type: 'es6' } },
    ],
  },
  // Generous: a loaded 2-core CI machine can make an end-to-end release several times slower.
  testTimeout: 150_000,
};

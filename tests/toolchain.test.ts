import { describe, expect, it } from '@jest/globals';

describe('toolchain', () => {
  it('runs the tests under Node 24, the runtime of runs.using: node24', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
  });
});

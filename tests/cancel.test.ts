import { EventEmitter } from 'node:events';
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import * as core from './fixtures/core.ts';

jest.unstable_mockModule('@actions/core', () => core);
const { cancelledBy, onCancel } = await import('../src/cancel.ts');

describe('cancel: the runner signals become one abort', () => {
  const process = new EventEmitter();
  let signal: AbortSignal;
  beforeAll(() => {
    core.resetSaid();
    signal = onCancel(process);
  });

  it('nothing is cancelled until the runner says so', () => {
    expect(signal.aborted).toBe(false);
    expect(cancelledBy(signal)).toBeUndefined();
  });

  it('SIGINT aborts, names the signal and warns once', () => {
    process.emit('SIGINT', 'SIGINT');
    expect(cancelledBy(signal)).toBe('the job was cancelled (SIGINT)');
    expect(core.said.warnings).toHaveLength(1);
  });

  it("the runner's SIGTERM 7.5 s later does not end the step: the swap back may still be running", () => {
    process.emit('SIGTERM', 'SIGTERM');
    expect(cancelledBy(signal)).toBe('the job was cancelled (SIGINT)');
    expect(core.said.warnings).toHaveLength(1);
    expect(core.said.info).toContain('SIGTERM again: still finishing what keeps production safe');
  });
});

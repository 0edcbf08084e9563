import { describe, expect, it } from '@jest/globals';
import { settingsThatMove } from '../src/settings.ts';
import { looksSecret } from '../src/azure/app-service.ts';

describe('settings that move with a swap', () => {
  it('names the settings that differ or exist on one side only, except slot settings', () => {
    const staging = { A: '1', B: 'new', ONLY_STAGING: 'x', STICKY: 'staging' };
    const production = { A: '1', B: 'old', ONLY_PROD: 'y', STICKY: 'production' };
    expect(settingsThatMove(staging, production, ['sticky'])).toEqual([
      'B',
      'ONLY_PROD',
      'ONLY_STAGING',
    ]);
  });

  it('is empty when the slots agree', () => {
    expect(settingsThatMove({ A: '1' }, { A: '1' }, [])).toEqual([]);
  });
});

describe('which setting values are masked in the log', () => {
  it('masks values that look like secrets, not plain words and numbers', () => {
    for (const v of ['pa55-w0rd', 'Server=db;Password=x', 'sk-12345678', 'prod-db-connection'])
      expect(looksSecret(v)).toBe(true);
    for (const v of ['staging', 'production', 'true', 'eastus', '8080', '1.5', 'abc'])
      expect(looksSecret(v)).toBe(false);
  });
});

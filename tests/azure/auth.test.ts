import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { SlotReleaseError } from '../../src/errors.ts';
import { createCredential, resolveAuthMode } from '../../src/azure/auth.ts';
import { KnownClouds } from '../../src/azure/cloud.ts';

const cloud = KnownClouds.AzureCloud;
const saved = { ...process.env };
const vars = [
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_ID',
];
beforeEach(() => {
  for (const name of vars) delete process.env[name];
});
afterEach(() => {
  for (const name of vars) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('createCredential', () => {
  it('auto picks oidc with client-id and tenant-id, else azure-cli', () => {
    expect(resolveAuthMode({ auth: 'auto', clientId: 'c', tenantId: 't' })).toBe('oidc');
    expect(resolveAuthMode({ auth: 'auto', clientId: 'c' })).toBe('azure-cli');
    expect(resolveAuthMode({ auth: 'environment' })).toBe('environment');
  });

  it('asks for id-token: write when the runner gives no OIDC token', () => {
    let error: unknown;
    try {
      createCredential({ auth: 'auto', clientId: 'c', tenantId: 't', audience: 'a', cloud });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect((error as SlotReleaseError).message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
    expect((error as SlotReleaseError).hint).toContain('permissions: id-token: write');
  });

  it('names the missing ids for oidc and the missing variables for environment', () => {
    expect(() => createCredential({ auth: 'oidc', tenantId: 't', audience: 'a', cloud })).toThrow(
      'auth: oidc needs client-id.',
    );
    expect(() => createCredential({ auth: 'environment', audience: 'a', cloud })).toThrow(
      'auth: environment needs AZURE_TENANT_ID and AZURE_CLIENT_ID to be set.',
    );
  });

  it('builds an OIDC credential when the ID token source is injected', () => {
    const credential = createCredential({
      auth: 'oidc',
      clientId: 'c',
      tenantId: 't',
      audience: 'api://AzureADTokenExchange',
      cloud,
      getIdToken: async () => 'jwt',
    });
    expect(typeof credential.getToken).toBe('function');
  });
});

import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SlotReleaseError } from '../../src/errors.ts';
import { parseCustomCloud, resolveCloud, scopeForResource } from '../../src/azure/cloud.ts';

const emulatorCloud = (port: number, extra: Record<string, unknown> = {}) => ({
  name: 'SlotReleaseEmulator',
  endpoints: {
    resourceManager: `https://127.0.0.1:${port}/`,
    activeDirectory: `https://127.0.0.1:${port}`,
    activeDirectoryResourceId: 'https://management.core.windows.net/',
    adfs: `https://127.0.0.1:${port}/adfs`,
  },
  tokenScope: 'https://management.azure.com/.default',
  tenantId: 't1',
  subscriptionId: 's1',
  resourceGroup: 'rg1',
  appName: 'web1',
  ...extra,
});

describe('resolveCloud', () => {
  it('knows the three sovereign clouds', async () => {
    await expect(resolveCloud('AzureCloud')).resolves.toEqual({
      name: 'AzureCloud',
      resourceManager: 'https://management.azure.com',
      authorityHost: 'https://login.microsoftonline.com',
      tokenScope: 'https://management.azure.com/.default',
      disableInstanceDiscovery: false,
    });
    const china = await resolveCloud('AzureChinaCloud');
    expect(china.resourceManager).toBe('https://management.chinacloudapi.cn');
    expect(china.authorityHost).toBe('https://login.chinacloudapi.cn');
    expect(china.tokenScope).toBe('https://management.chinacloudapi.cn/.default');
    const gov = await resolveCloud('azureusgovernment');
    expect(gov.resourceManager).toBe('https://management.usgovcloudapi.net');
    expect(gov.authorityHost).toBe('https://login.microsoftonline.us');
    expect(gov.tokenScope).toBe('https://management.usgovcloudapi.net/.default');
  });

  it('rejects an unknown cloud name with the valid choices', async () => {
    const error = await resolveCloud('AzureGermanCloud').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect((error as SlotReleaseError).hint).toContain('AzureUSGovernment');
  });

  it('reads a custom cloud file written by the emulator, with its CA', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cloud-'));
    await writeFile(
      join(dir, 'ca.pem'),
      '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n',
    );
    const file = join(dir, 'cloud.json');
    await writeFile(file, JSON.stringify(emulatorCloud(4443, { caFile: join(dir, 'ca.pem') })));
    const cloud = await resolveCloud(file);
    expect(cloud).toMatchObject({
      name: 'SlotReleaseEmulator',
      resourceManager: 'https://127.0.0.1:4443',
      authorityHost: 'https://127.0.0.1:4443',
      tokenScope: 'https://management.azure.com/.default',
      disableInstanceDiscovery: true,
      caFile: join(dir, 'ca.pem'),
      defaults: { tenantId: 't1', subscriptionId: 's1', resourceGroup: 'rg1', appName: 'web1' },
    });
    expect(cloud.ca).toContain('BEGIN CERTIFICATE');
  });

  it('derives the token scope when the file has none', async () => {
    const doc = emulatorCloud(1);
    delete (doc as { tokenScope?: string }).tokenScope;
    const cloud = await parseCustomCloud(JSON.stringify(doc), '/x/cloud.json');
    expect(cloud.tokenScope).toBe('https://management.core.windows.net/.default');
    expect(scopeForResource('https://127.0.0.1:9/')).toBe('https://127.0.0.1:9/.default');
  });

  it('lists every problem of an invalid file', async () => {
    const bad = { name: '', endpoints: { resourceManager: 'http://127.0.0.1:1/' } };
    const error = (await parseCustomCloud(JSON.stringify(bad), '/x/cloud.json').catch(
      (e: unknown) => e,
    )) as SlotReleaseError;
    expect(error).toBeInstanceOf(SlotReleaseError);
    expect(error.message).toContain('/x/cloud.json is invalid (3 problems)');
    expect(error.message).toContain('endpoints.resourceManager: must be an https:// URL');
    expect(error.message).toContain('endpoints.activeDirectory');
    expect(error.message).toMatch(/- name:/);
  });

  it('explains a missing file, bad JSON and a missing caFile', async () => {
    await expect(resolveCloud('/nonexistent/cloud.json')).rejects.toThrow(
      'Cannot read the custom cloud file /nonexistent/cloud.json',
    );
    await expect(parseCustomCloud('{', '/x/c.json')).rejects.toThrow('is not valid JSON');
    await expect(
      parseCustomCloud(JSON.stringify(emulatorCloud(1, { caFile: 'missing-ca.pem' })), '/x/c.json'),
    ).rejects.toThrow('Cannot read caFile /x/missing-ca.pem');
  });
});

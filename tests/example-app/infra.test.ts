import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';

// Bicep cannot be compiled on this machine; these checks hold the facts azd and the action rely on.
const AppDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'example-app');
const read = (path: string) => readFile(join(AppDir, path), 'utf8');

describe('azure.yaml', () => {
  it('declares one App Service service built by the packager', async () => {
    const doc = parse(await read('azure.yaml')) as {
      name: string;
      services: Record<
        string,
        {
          host: string;
          language: string;
          project: string;
          dist: string;
          hooks: { prepackage: { run: string } };
        }
      >;
    };
    expect(doc.name).toEqual(expect.any(String));
    expect(Object.keys(doc.services)).toEqual(['web']);
    const web = doc.services.web!;
    expect(web).toMatchObject({
      host: 'appservice',
      language: 'js',
      project: '.',
      dist: 'dist/site',
    });
    expect(web.hooks.prepackage.run).toContain('scripts/package.ts');
    expect(web.hooks.prepackage.run).toContain(`--site ${web.dist}`);
  });
});

describe('infra/', () => {
  it('main.parameters.json feeds every parameter from azd, and main.bicep declares them all', async () => {
    const params = JSON.parse(await read('infra/main.parameters.json')).parameters as Record<
      string,
      { value: string }
    >;
    expect(params.environmentName?.value).toBe('${AZURE_ENV_NAME}');
    expect(params.location?.value).toBe('${AZURE_LOCATION}');
    const main = await read('infra/main.bicep');
    for (const name of Object.keys(params))
      expect(main).toMatch(new RegExp(`^param ${name} `, 'm'));
  });

  it('main.bicep outputs what azd and the release workflow read', async () => {
    const main = await read('infra/main.bicep');
    for (const output of [
      'AZURE_RESOURCE_GROUP',
      'AZURE_LOCATION',
      'SERVICE_WEB_NAME',
      'SERVICE_WEB_URI',
      'SERVICE_WEB_STAGING_SLOT',
    ]) {
      expect(main).toMatch(new RegExp(`^output ${output} string = `, 'm'));
    }
    expect(main).toContain("targetScope = 'subscription'");
  });

  it('every module main.bicep uses exists', async () => {
    const main = await read('infra/main.bicep');
    const modules = [...main.matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1]!);
    expect(modules.length).toBeGreaterThanOrEqual(4);
    for (const path of modules) expect(existsSync(join(AppDir, 'infra', path))).toBe(true);
  });

  it('the plan defaults to a tier with slots, and the app gets a staging slot and an identity', async () => {
    const main = await read('infra/main.bicep');
    expect(main).toMatch(/param appServicePlanSku string = 'S1'/);
    expect(main).not.toMatch(/@allowed\(\[[^\]]*'B1'/);
    expect(main).toMatch(/param stagingSlotName string = 'staging'/);
    for (const file of ['infra/modules/web.bicep', 'infra/modules/slot.bicep']) {
      expect(await read(file)).toContain("identity: { type: 'SystemAssigned' }");
    }
  });

  it('health check and swap warm-up point at the routes the app serves', async () => {
    const config = await read('infra/modules/site-config.bicep');
    expect(config).toContain("healthCheckPath: '/healthz'");
    expect(config).toContain("{ name: 'WEBSITE_SWAP_WARMUP_PING_PATH', value: '/readyz' }");
    expect(config).toContain("appCommandLine: 'node server.mjs'");
  });

  it('every rehearsal switch the app reads is a slot-sticky setting', async () => {
    const switches = new Set((await read('src/config.ts')).match(/REHEARSAL_[A-Z_]+/g));
    expect(switches.size).toBe(6);
    const web = await read('infra/modules/web.bicep');
    const sticky = /appSettingNames: \[([^\]]*)\]/.exec(web)?.[1] ?? '';
    for (const name of switches) expect(sticky).toContain(`'${name}'`);
  });
});

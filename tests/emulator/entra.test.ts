// Entra stand-in: discovery in both authority forms, client secret and GitHub-OIDC client
// assertions, and ARM/Kudu refusing missing or expired tokens with Azure's 401 shape.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientAssertionCredential } from '@azure/identity';
import { armToken, emulatorFetch, startTestEmulator } from '../fixtures/emulator.ts';
import type { EmuFetch, TestEmulator } from '../fixtures/emulator.ts';

let emu: TestEmulator;
let f: EmuFetch;
// Expiry is tested on a second emulator whose tokens live 1 s, so the main one never races a clock.
let short: TestEmulator;
let fs: EmuFetch;

beforeAll(async () => {
  emu = await startTestEmulator();
  f = emulatorFetch(emu);
  short = await startTestEmulator({ tokenLifetimeSeconds: 1, assertionLifetimeSeconds: 1 });
  fs = emulatorFetch(short);
});

afterAll(async () => {
  await f?.close();
  await fs?.close();
  await emu?.stop();
  await short?.stop();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function githubToken(
  audience = 'api://AzureADTokenExchange',
  on: [TestEmulator, EmuFetch] = [emu, f],
): Promise<string> {
  const [e, fetch] = on;
  const res = await fetch(`${e.githubOidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${e.githubOidc.requestToken}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: string }).value;
}

async function tokenWith(
  fields: Record<string, string>,
  on: [TestEmulator, EmuFetch] = [emu, f],
): Promise<Response> {
  const [e, fetch] = on;
  return fetch(`${e.cloud.endpoints.activeDirectory}/${e.credentials.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: e.credentials.clientId,
      scope: e.cloud.tokenScope,
      ...fields,
    }),
  });
}

const siteUrl = (e: TestEmulator): string =>
  `${e.cloud.endpoints.resourceManager}subscriptions/${e.cloud.subscriptionId}/resourceGroups/${e.cloud.resourceGroup}/providers/Microsoft.Web/sites/${e.cloud.appName}?api-version=2025-05-01`;

describe('Entra ID stand-in', () => {
  it('serves OpenID discovery for the tenant authority and the ADFS form', async () => {
    const base = emu.cloud.endpoints.activeDirectory;
    const tenant = (await (
      await f(`${base}/${emu.credentials.tenantId}/v2.0/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(tenant.token_endpoint).toBe(`${base}/${emu.credentials.tenantId}/oauth2/v2.0/token`);
    expect(tenant.issuer?.startsWith(base)).toBe(true);
    expect(tenant.jwks_uri).toBeTruthy();
    const adfs = (await (
      await f(`${emu.cloud.endpoints.adfs}/.well-known/openid-configuration`)
    ).json()) as Record<string, string>;
    expect(adfs.token_endpoint).toBe(`${emu.cloud.endpoints.adfs}/oauth2/token`);
  });

  it('rejects a wrong client secret with an AADSTS error', async () => {
    const res = await tokenWith({ client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client', error_codes: [7000215] });
  });

  it('exchanges a fresh GitHub OIDC token (client assertion) for an ARM token', async () => {
    const res = await tokenWith({
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await githubToken(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ token_type: 'Bearer', expires_in: 600 });
  });

  it('refuses assertions with another audience, an expired one, or for another client', async () => {
    const wrongAudience = await tokenWith({
      client_assertion: await githubToken('https://github.com/octo'),
    });
    expect(wrongAudience.status).toBe(401);
    const assertion = await githubToken();
    const otherClient = await tokenWith({ client_assertion: assertion, client_id: 'someone-else' });
    expect(otherClient.status).toBe(400);
    const shortLived = await githubToken(undefined, [short, fs]);
    await sleep(2100);
    const expired = await tokenWith({ client_assertion: shortLived }, [short, fs]);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error_description: string }).error_description).toMatch(
      /AADSTS700024/,
    );
  });

  it('requires the runtime request token for the GitHub OIDC endpoint', async () => {
    const res = await f(`${emu.githubOidc.requestUrl}&audience=x`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(res.status).toBe(401);
  });

  it('works with @azure/identity ClientAssertionCredential and a GitHub assertion callback', async () => {
    let assertions = 0;
    const credential = new ClientAssertionCredential(
      emu.credentials.tenantId,
      emu.credentials.clientId,
      async () => {
        assertions += 1;
        return githubToken();
      },
      {
        authorityHost: emu.cloud.endpoints.activeDirectory,
        disableInstanceDiscovery: true,
        tlsOptions: { ca: emu.caPem },
      },
    );
    const first = await credential.getToken(emu.cloud.tokenScope);
    expect(first.token).toBeTruthy();
    expect(assertions).toBeGreaterThanOrEqual(1);
  });
});

describe('ARM and Kudu token checks', () => {
  it('refuses tokens issued for another resource, as ARM and Kudu do', async () => {
    const res = await tokenWith({
      client_secret: emu.credentials.clientSecret,
      scope: 'https://vault.azure.net/.default',
    });
    const { access_token: vaultToken } = (await res.json()) as { access_token: string };
    const arm = await f(siteUrl(emu), { headers: { authorization: `Bearer ${vaultToken}` } });
    expect(arm.status).toBe(401);
    expect(((await arm.json()) as { error: { code: string } }).error.code).toBe(
      'InvalidAuthenticationTokenAudience',
    );
    const kudu = await f(`${(await emu.state()).slots.staging!.scmUrl}/api/deployments`, {
      headers: { authorization: `Bearer ${vaultToken}` },
    });
    expect(kudu.status).toBe(401);
  });

  it('answers 401 InvalidAuthenticationToken-style errors when the token is missing or expired', async () => {
    const missing = await f(siteUrl(emu));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'AuthenticationFailed',
    );
    const fresh = await f(siteUrl(emu), {
      headers: { authorization: `Bearer ${await armToken(emu, f)}` },
    });
    expect(fresh.status).toBe(200);
    const token = await armToken(short, fs);
    await sleep(2100);
    const expired = await fs(siteUrl(short), { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await expired.json()).toEqual({
      error: { code: 'ExpiredAuthenticationToken', message: expect.stringMatching(/expired/) },
    });
    const kudu = await fs(`${(await short.state()).slots.staging!.scmUrl}/api/deployments`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(kudu.status).toBe(401);
  });
});

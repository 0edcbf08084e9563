// Microsoft Entra ID stand-in: OpenID discovery and the client-credentials token endpoint, both as a
// tenant authority (@azure/identity, instance discovery disabled) and in ADFS form (the az CLI), plus
// the GitHub Actions OIDC token endpoint whose JWTs the token endpoint accepts as client assertions.
import { randomUUID } from 'node:crypto';
import type { Context } from './context.ts';
import { readBody, sendJson } from './http.ts';
import type { Req, Res } from './http.ts';
import { nowSeconds } from './jwt.ts';

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';
const FEDERATION_AUDIENCE = 'api://AzureADTokenExchange';
export const GITHUB_OIDC_PATH = '/github-actions/idtoken';

function entraError(res: Res, status: number, error: string, code: number, text: string): void {
  sendJson(res, status, {
    error,
    error_description: `AADSTS${code}: ${text}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

function discovery(ctx: Context, base: string, issuer: string, tokenPath: string): unknown {
  return {
    issuer,
    authorization_endpoint: `${base}/oauth2/${tokenPath}authorize`,
    token_endpoint: `${base}/oauth2/${tokenPath}token`,
    end_session_endpoint: `${base}/oauth2/${tokenPath}logout`,
    jwks_uri: `${ctx.baseUrl}/${ctx.tenantId}/discovery/v2.0/keys`,
    response_types_supported: ['code', 'id_token', 'token'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    tenant_region_scope: 'NA',
  };
}

type Problem = { code: number; text: string };

/** Checks a client assertion the way a federated credential would: our GitHub JWT, right audience, fresh. */
function assertionProblem(ctx: Context, assertion: string): Problem | undefined {
  const claims = ctx.signer.decode(assertion);
  if (!claims) {
    return {
      code: 700211,
      text: 'No matching federated identity record found for presented assertion issuer.',
    };
  }
  if (claims.iss !== GITHUB_ISSUER) {
    return { code: 700211, text: `Assertion issuer '${String(claims.iss)}' is not trusted.` };
  }
  if (claims.aud !== FEDERATION_AUDIENCE) {
    return {
      code: 700212,
      text: `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
    };
  }
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds()) {
    return { code: 700024, text: 'Client assertion is not within its valid time range.' };
  }
  return undefined;
}

async function token(ctx: Context, req: Req, res: Res, tenant: string | null): Promise<void> {
  const form = new URLSearchParams((await readBody(req)).toString('utf8'));
  if (tenant !== null && tenant !== ctx.tenantId && tenant !== 'organizations') {
    return entraError(res, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return entraError(
      res,
      400,
      'unsupported_grant_type',
      70003,
      'The app requested an unsupported grant type.',
    );
  }
  if (form.get('client_id') !== ctx.clientId) {
    return entraError(
      res,
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${form.get('client_id')}' was not found in the directory.`,
    );
  }
  const secret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  if (assertion) {
    const problem = assertionProblem(ctx, assertion);
    if (problem) return entraError(res, 401, 'invalid_client', problem.code, problem.text);
  } else if (secret !== ctx.clientSecret) {
    return entraError(res, 401, 'invalid_client', 7000215, 'Invalid client secret provided.');
  }
  const scope = form.get('scope') ?? '';
  const resource = scope
    .split(' ')
    .find((s) => s.endsWith('/.default'))
    ?.replace(/\/\.default$/, '');
  if (!resource)
    return entraError(
      res,
      400,
      'invalid_scope',
      70011,
      `The provided value for scope '${scope}' is not valid.`,
    );
  const iat = nowSeconds();
  const lifetime = ctx.timings.tokenLifetimeSeconds;
  const accessToken = ctx.signer.sign({
    aud: resource,
    iss: `${ctx.baseUrl}/${ctx.tenantId}/`,
    iat,
    nbf: iat,
    // Rounded up, so a short test lifetime is never a second shorter than asked.
    exp: Math.ceil(Date.now() / 1000) + lifetime,
    appid: ctx.clientId,
    oid: ctx.clientId,
    sub: ctx.clientId,
    tid: ctx.tenantId,
    idtyp: 'app',
    ver: '1.0',
  });
  sendJson(res, 200, {
    token_type: 'Bearer',
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  });
}

function githubToken(ctx: Context, req: Req, res: Res, url: URL): void {
  if (req.headers.authorization !== `Bearer ${ctx.githubRequestToken}`) {
    return sendJson(res, 401, { message: 'Bad credentials' });
  }
  const audience = url.searchParams.get('audience') ?? 'https://github.com';
  const iat = nowSeconds();
  const value = ctx.signer.sign({
    iss: GITHUB_ISSUER,
    aud: audience,
    sub: 'repo:slot-release/slot-release:ref:refs/heads/main',
    repository: 'slot-release/slot-release',
    ref: 'refs/heads/main',
    jti: randomUUID(),
    iat,
    nbf: iat,
    exp: Math.ceil(Date.now() / 1000) + ctx.timings.assertionLifetimeSeconds,
  });
  sendJson(res, 200, { count: 1, value });
}

/** Returns true when the request was an Entra/OIDC route. */
export async function handleEntra(ctx: Context, req: Req, res: Res, url: URL): Promise<boolean> {
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === GITHUB_OIDC_PATH) {
    githubToken(ctx, req, res, url);
    return true;
  }
  if (path === '/adfs/.well-known/openid-configuration' && method === 'GET') {
    const base = `${ctx.baseUrl}/adfs`;
    sendJson(res, 200, discovery(ctx, base, base, ''));
    return true;
  }
  if (path === '/adfs/oauth2/token' && method === 'POST') {
    await token(ctx, req, res, null);
    return true;
  }
  if (path === '/common/discovery/instance' && method === 'GET') {
    sendJson(res, 200, {
      tenant_discovery_endpoint: `${ctx.baseUrl}/${ctx.tenantId}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [],
    });
    return true;
  }
  const m = /^\/([^/]+)(\/v2\.0)?\/\.well-known\/openid-configuration$/.exec(path);
  if (m && method === 'GET') {
    const tenant = m[1]!;
    const base = `${ctx.baseUrl}/${tenant}`;
    sendJson(
      res,
      200,
      discovery(ctx, base, `${ctx.baseUrl}/${ctx.tenantId}/v2.0`, m[2] ? 'v2.0/' : ''),
    );
    return true;
  }
  const t = /^\/([^/]+)\/oauth2\/(v2\.0\/)?token$/.exec(path);
  if (t && method === 'POST') {
    await token(ctx, req, res, t[1]!);
    return true;
  }
  if (/^\/[^/]+\/discovery\/(v2\.0\/)?keys$/.test(path) && method === 'GET') {
    sendJson(res, 200, ctx.signer.jwks());
    return true;
  }
  return false;
}

/** Validates a bearer token minted by handleEntra; returns a reason when it is not acceptable. */
export function accessTokenProblem(ctx: Context, token: string | undefined): string | undefined {
  if (!token) return 'missing';
  const claims = ctx.signer.decode(token);
  if (!claims || claims.iss !== `${ctx.baseUrl}/${ctx.tenantId}/`) return 'invalid';
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds()) return 'expired';
  if (typeof claims.nbf === 'number' && claims.nbf > nowSeconds() + 300) return 'invalid';
  // ARM and Kudu accept only tokens issued for Resource Manager, under either of its names.
  const aud = String(claims.aud ?? '').replace(/\/+$/, '');
  if (!ARM_AUDIENCES.includes(aud)) return 'audience';
  return undefined;
}

const ARM_AUDIENCES = ['https://management.azure.com', 'https://management.core.windows.net'];

// Builds the TokenCredential every Azure call uses: GitHub OIDC (workload identity federation),
// an existing Azure CLI session, or AZURE_* environment variables. Every token it hands out is
// masked in the job log.
import * as core from '@actions/core';
import {
  AzureCliCredential,
  ClientAssertionCredential,
  EnvironmentCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
} from '@azure/identity';
import { SlotReleaseError, describeError } from '../errors.ts';
import type { Cloud } from './cloud.ts';

export type AuthMode = 'auto' | 'oidc' | 'azure-cli' | 'environment';

export interface CreateCredentialOptions {
  auth: AuthMode;
  clientId?: string;
  tenantId?: string;
  /** Audience of the GitHub ID token, normally `api://AzureADTokenExchange`. */
  audience: string;
  cloud: Cloud;
  /** Fetches a GitHub ID token; defaults to `core.getIDToken`. Called on every token refresh. */
  getIdToken?: (audience: string) => Promise<string>;
  /** Extra CA (PEM) to trust for the authority host; defaults to `cloud.ca`. */
  ca?: string;
  /** Masks secrets in the job log; defaults to `core.setSecret`. */
  setSecret?: (secret: string) => void;
}

/** The mode `auto` resolves to, and the other modes unchanged. */
export function resolveAuthMode(
  options: Pick<CreateCredentialOptions, 'auth' | 'clientId' | 'tenantId'>,
): Exclude<AuthMode, 'auto'> {
  if (options.auth !== 'auto') return options.auth;
  return options.clientId && options.tenantId ? 'oidc' : 'azure-cli';
}

/** Reads the `sub` claim of a JWT without verifying it, for error messages only. */
function jwtSubject(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const sub = (claims as { sub?: unknown }).sub;
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}

export function createCredential(options: CreateCredentialOptions): TokenCredential {
  const mode = resolveAuthMode(options);
  const setSecret = options.setSecret ?? core.setSecret;
  const ca = options.ca ?? options.cloud.ca;
  const common = {
    authorityHost: options.cloud.authorityHost,
    disableInstanceDiscovery: options.cloud.disableInstanceDiscovery,
    ...(ca && { tlsOptions: { ca } }),
  };
  const state: { subject?: string } = {};

  let inner: TokenCredential;
  switch (mode) {
    case 'oidc': {
      const missing = [!options.clientId && 'client-id', !options.tenantId && 'tenant-id'].filter(
        Boolean,
      );
      if (missing.length > 0 || !options.clientId || !options.tenantId) {
        throw new SlotReleaseError(`auth: oidc needs ${missing.join(' and ')}.`, {
          hint: 'Set client-id and tenant-id to the Entra app (or user-assigned identity) that has a federated credential for this repository.',
        });
      }
      const getIdToken = options.getIdToken ?? defaultGetIdToken();
      const audience = options.audience;
      inner = new ClientAssertionCredential(
        options.tenantId,
        options.clientId,
        // A fresh GitHub ID token on every call: assertions live 5-10 minutes and a release
        // (deploy + gates + watch) can run longer, so a cached one would expire mid-run.
        async () => {
          let token: string;
          try {
            token = await getIdToken(audience);
          } catch (error) {
            throw new SlotReleaseError(
              `Could not get a GitHub OIDC token: ${describeError(error)}`,
              {
                cause: error,
                hint: 'Add "permissions: id-token: write" to the workflow or job.',
              },
            );
          }
          setSecret(token);
          state.subject = jwtSubject(token);
          return token;
        },
        common,
      );
      break;
    }
    case 'azure-cli':
      inner = new AzureCliCredential(options.tenantId ? { tenantId: options.tenantId } : {});
      break;
    case 'environment': {
      const missing = ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID'].filter((name) => !process.env[name]);
      if (missing.length > 0) {
        throw new SlotReleaseError(`auth: environment needs ${missing.join(' and ')} to be set.`, {
          hint: 'Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH) in the step env.',
        });
      }
      inner = new EnvironmentCredential(common);
      break;
    }
  }
  return maskingCredential(inner, { mode, setSecret, state, cloud: options.cloud });
}

function defaultGetIdToken(): (audience: string) => Promise<string> {
  const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
    (name) => !process.env[name],
  );
  if (missing.length > 0) {
    throw new SlotReleaseError(
      `auth: oidc needs a GitHub OIDC token, but ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set.`,
      {
        hint: 'Add "permissions: id-token: write" to the workflow or job (pull requests from forks never get one; use auth: azure-cli there).',
      },
    );
  }
  return (audience) => core.getIDToken(audience);
}

/** Hint for a failed token request, from the Entra error code in the message. */
function authHint(mode: string, message: string, subject: string | undefined): string {
  if (/AADSTS7002(1|13)|AADSTS700211|AADSTS700212/.test(message)) {
    return `No federated credential of the Entra app matches this workflow${subject ? ` (subject "${subject}")` : ''}: add one with issuer https://token.actions.githubusercontent.com and that subject.`;
  }
  if (/AADSTS700016|AADSTS90002/.test(message)) {
    return 'Check client-id and tenant-id: Entra does not know that application in that tenant.';
  }
  switch (mode) {
    case 'azure-cli':
      return 'Run azure/login before this step, or set client-id and tenant-id to log in with OIDC.';
    case 'environment':
      return 'Check the AZURE_* environment variables of the step.';
    default:
      return 'Check client-id, tenant-id and the federated credential of the Entra app; the workflow needs "permissions: id-token: write".';
  }
}

const REFRESH_BEFORE_EXPIRY_MS = 120_000;
// Getting a token is a wait like any other: GitHub's OIDC endpoint, then Entra, each retried
// by their own clients. A minute covers their retries; a hung endpoint must not hang the job.
const TOKEN_TIMEOUT_MS = 60_000;

function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  context: { mode: string; cloud: Cloud },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new SlotReleaseError(
            `No Azure token within ${ms / 1000}s (auth: ${context.mode}, cloud ${context.cloud.name}).`,
            {
              hint: 'The GitHub OIDC or Entra endpoint did not answer; re-run, and check the runner can reach them.',
            },
          ),
        ),
      ms,
    );
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

function maskingCredential(
  inner: TokenCredential,
  context: {
    mode: string;
    setSecret: (secret: string) => void;
    state: { subject?: string };
    cloud: Cloud;
  },
): TokenCredential {
  // Kudu asks for a token on every request (each status poll too). Reusing a token until two
  // minutes before it expires keeps that from costing a GitHub OIDC round trip each time.
  const cache = new Map<string, AccessToken>();
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const key = ([] as string[]).concat(scopes).join(' ');
      const cached = cache.get(key);
      if (cached && cached.expiresOnTimestamp - Date.now() > REFRESH_BEFORE_EXPIRY_MS)
        return cached;
      let token: AccessToken | null;
      try {
        token = await withDeadline(inner.getToken(scopes, options), TOKEN_TIMEOUT_MS, context);
      } catch (error) {
        if (error instanceof SlotReleaseError) throw error;
        throw new SlotReleaseError(
          `Could not get an Azure token (auth: ${context.mode}, cloud ${context.cloud.name}): ${describeError(error)}`,
          {
            cause: error,
            hint: authHint(context.mode, describeError(error), context.state.subject),
          },
        );
      }
      if (!token) {
        throw new SlotReleaseError(`The ${context.mode} credential returned no Azure token.`, {
          hint: authHint(context.mode, '', context.state.subject),
        });
      }
      context.setSecret(token.token);
      cache.set(key, token);
      return token;
    },
  };
}

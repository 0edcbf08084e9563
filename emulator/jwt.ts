// Minimal RS256 JWT signing and checking for the emulator's own tokens (Entra access tokens and
// the GitHub OIDC stand-in). Only the emulator verifies them, so one key pair per run is enough.
import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type Claims = Record<string, unknown> & {
  exp?: number;
  iat?: number;
  iss?: string;
  aud?: string;
};

export type Signer = {
  kid: string;
  sign(claims: Claims): string;
  /** Returns the claims when the signature is ours, else undefined. Expiry is the caller's check. */
  decode(token: string): Claims | undefined;
  jwks(): { keys: unknown[] };
};

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export function makeSigner(): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return {
    kid,
    sign(claims) {
      const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
      const body = b64url(JSON.stringify(claims));
      const signature = sign('sha256', Buffer.from(`${header}.${body}`), privateKey);
      return `${header}.${body}.${b64url(signature)}`;
    },
    decode(token) {
      return decodeWith(publicKey, token);
    },
    jwks() {
      const jwk = createPublicKey(publicKey).export({ format: 'jwk' });
      return { keys: [{ ...jwk, kid, use: 'sig', alg: 'RS256' }] };
    },
  };
}

function decodeWith(publicKey: KeyObject, token: string): Claims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, body, signature] = parts as [string, string, string];
  try {
    const ok = verify(
      'sha256',
      Buffer.from(`${header}.${body}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    );
    if (!ok) return undefined;
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Claims;
  } catch {
    return undefined;
  }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

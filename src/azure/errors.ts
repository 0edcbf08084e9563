// Turns what the Azure SDK throws into the action's one error type: what failed, Azure's status,
// code and message, and a hint that says what to do next.
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { SlotReleaseError, describeError } from '../errors.ts';

export interface AzureErrorInfo {
  statusCode?: number;
  code?: string;
  message?: string;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)
    : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Reads `{error: {code, message}}` (ARM) or App Service's PascalCase `{Code, Message}` body
 * (azure-api.md §1.13), from a parsed body or its text.
 */
export function readErrorBody(body: unknown): { code?: string; message?: string } | undefined {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const record = asRecord(value);
  if (!record) return undefined;
  const inner = asRecord(record.error) ?? asRecord(record.Error);
  const source = inner ?? record;
  const code = str(source.code) ?? str(source.Code);
  let message = str(source.message) ?? str(source.Message);
  if (!message && Array.isArray(source.Details)) {
    for (const detail of source.Details) {
      const entity = asRecord(asRecord(detail)?.ErrorEntity);
      message = str(entity?.Message) ?? str(asRecord(detail)?.Message);
      if (message) break;
    }
  }
  if (!code && !message) return undefined;
  return { ...(code && { code }), ...(message && { message }) };
}

/** Status, code and message of a RestError (checked by `name`: a bundle may hold two copies). */
export function readAzureError(error: unknown): AzureErrorInfo | undefined {
  const record = asRecord(error);
  if (!record || record.name !== 'RestError') return undefined;
  const response = asRecord(record.response);
  const statusCode =
    typeof record.statusCode === 'number'
      ? record.statusCode
      : typeof response?.status === 'number'
        ? response.status
        : undefined;
  const fromDetails = readErrorBody(record.details);
  const fromText = readErrorBody(response?.bodyAsText);
  const generic = /^Unexpected status code: \d+$/.test(str(record.message) ?? '');
  const code = str(record.code) ?? fromDetails?.code ?? fromText?.code;
  const message =
    (generic ? undefined : str(record.message)) ?? fromDetails?.message ?? fromText?.message;
  return {
    ...(statusCode !== undefined && { statusCode }),
    ...(code && { code }),
    ...(message && { message }),
  };
}

export function hintForStatus(statusCode: number | undefined): string | undefined {
  switch (statusCode) {
    case 400:
      return 'Azure rejected the request as invalid; check the inputs named in the message.';
    case 401:
      return 'Azure did not accept the token: check client-id, tenant-id and that the federated credential (or azure/login session) belongs to this subscription.';
    case 403:
      return 'The identity has no permission: give it a role assignment such as Website Contributor on the web app or its resource group.';
    case 404:
      return 'Check app-name, resource-group, subscription-id and the slot names.';
    case 409:
      return 'Another operation (a swap, a deployment or a configuration change) is in progress on the app: wait for it to finish, then re-run.';
    case 429:
      return 'Azure Resource Manager throttled the requests: retry later, or run fewer jobs against this subscription at once.';
    default:
      if (statusCode !== undefined && statusCode >= 500)
        return 'Azure returned a server error: re-run the job; if it persists, check the Azure status page.';
      return undefined;
  }
}

/**
 * Wraps any error from an Azure call as a SlotReleaseError. `action` says what was attempted,
 * e.g. "get slot staging of app web1". SlotReleaseErrors (e.g. from the credential) pass through.
 */
export function toSlotReleaseError(
  error: unknown,
  action: string,
  hint?: (info: AzureErrorInfo) => string | undefined,
): SlotReleaseError {
  if (error instanceof SlotReleaseError) return error;
  const info = readAzureError(error);
  if (info && info.statusCode !== undefined) {
    const parts = [`HTTP ${info.statusCode}`];
    if (info.code) parts.push(info.code);
    const detail = info.message ? `: ${info.message}` : '';
    return new SlotReleaseError(`Azure could not ${action} (${parts.join(' ')})${detail}`, {
      cause: error,
      hint: hint?.(info) ?? hintForStatus(info.statusCode),
    });
  }
  const name = asRecord(error)?.name;
  if (name === 'AbortError') {
    return new SlotReleaseError(`Azure call to ${action} was cancelled.`, { cause: error });
  }
  // A failed long-running operation: core-lro flattens Azure's {code, message} into its text.
  const lro = /^The long-running operation has failed\. ([^.\s]+)\. ([\s\S]*)$/.exec(
    describeError(error),
  );
  if (lro) {
    return new SlotReleaseError(
      `Azure could not ${action} (operation failed, ${lro[1]}): ${lro[2]!.trim()}`,
      { cause: error, hint: hint?.({ code: lro[1] }) ?? hintForStatus(500) },
    );
  }
  // Transport failures (DNS, TLS, refused) land here.
  const code = info?.code ? ` (${info.code})` : '';
  return new SlotReleaseError(`Azure could not ${action}${code}: ${describeError(error)}`, {
    cause: error,
    hint:
      hint?.(info ?? {}) ??
      'Check network access to Azure Resource Manager from the runner (and the cloud input), then re-run.',
  });
}

/**
 * A pipeline policy that rewrites App Service's PascalCase error bodies (`{Code, Message}`) into
 * the ARM shape (`{error: {code, message}}`), so the SDK's RestError and LRO failures carry
 * Azure's code and message instead of "Unexpected status code".
 */
export const normalizeErrorBodyPolicy: PipelinePolicy = {
  name: 'slotReleaseNormalizeErrorBody',
  async sendRequest(request, next) {
    const response = await next(request);
    if (response.status < 400 || !response.bodyAsText) return response;
    let body: unknown;
    try {
      body = JSON.parse(response.bodyAsText);
    } catch {
      return response;
    }
    const record = asRecord(body);
    if (!record || asRecord(record.error)) return response;
    const parsed = readErrorBody(record);
    if (!parsed) return response;
    response.bodyAsText = JSON.stringify({
      error: { code: parsed.code ?? `Http${response.status}`, message: parsed.message ?? '' },
    });
    return response;
  },
};

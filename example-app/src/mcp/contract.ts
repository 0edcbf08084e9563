/**
 * The tool contract this agent was built for. The tool server declares its contract version as
 * its MCP serverInfo.version; readiness compares that and the listed input schemas with this, so a
 * drifted or replaced tool server keeps the slot out of traffic instead of failing at run time.
 * Bump `version` whenever a tool or parameter below changes.
 */
export const ToolContract = {
  version: '1.0',
  serverName: 'example-app-tools',
  tools: {
    time_now: { timezone: 'string' },
    calculator: { expression: 'string' },
    lookup: { term: 'string' },
    http_get: { url: 'string' },
  },
} as const satisfies {
  version: string;
  serverName: string;
  tools: Record<string, Record<string, string>>;
};

export type ListedTool = {
  name: string;
  inputSchema: { properties?: Record<string, unknown>; required?: string[] };
};

export type ContractCheck = { ok: true } | { ok: false; reason: string };

/** Compares what a tool server declares with the contract; the first mismatch is the reason. */
export function checkToolContract(
  serverVersion: string | undefined,
  listed: ListedTool[],
  contract: { version: string; tools: Record<string, Record<string, string>> } = ToolContract,
): ContractCheck {
  if (serverVersion !== contract.version) {
    return {
      ok: false,
      reason: `tool contract version mismatch: agent expects ${contract.version}, tool server declares ${serverVersion ?? 'none'}`,
    };
  }
  const byName = new Map(listed.map((t) => [t.name, t]));
  for (const [name, params] of Object.entries(contract.tools)) {
    const tool = byName.get(name);
    if (!tool) return { ok: false, reason: `tool schema drift: ${name} is not listed` };
    const props = tool.inputSchema.properties ?? {};
    const required = new Set(tool.inputSchema.required ?? []);
    for (const [param, type] of Object.entries(params)) {
      const declared = (props[param] as { type?: unknown } | undefined)?.type;
      if (declared !== type) {
        return {
          ok: false,
          reason: `tool schema drift: ${name}.${param} is ${String(declared ?? 'missing')}, expected ${type}`,
        };
      }
    }
    const unknownRequired = [...required].filter((p) => !(p in params));
    if (unknownRequired.length > 0) {
      return {
        ok: false,
        reason: `tool schema drift: ${name} requires ${unknownRequired.join(', ')}, which the agent does not send`,
      };
    }
  }
  return { ok: true };
}

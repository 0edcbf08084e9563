import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  formatDuration,
  parseDuration,
  redact,
  show
} from "./chunk-JXKPFM4L.js";
import {
  InputError,
  describeError,
  external_exports,
  summary,
  warning
} from "./chunk-UUBOPBU4.js";

// src/inputs.ts
import { statSync } from "node:fs";
var MODES = ["release", "deploy", "swap", "rollback", "verify", "cleanup"];
var INPUT_DEFAULTS = {
  mode: "release",
  "app-name": "",
  "resource-group": "",
  "subscription-id": "",
  "client-id": "",
  "tenant-id": "",
  auth: "auto",
  audience: "api://AzureADTokenExchange",
  cloud: "AzureCloud",
  package: "",
  slot: "staging",
  "target-slot": "production",
  "deploy-timeout": "10m",
  url: "",
  "expected-version": "",
  "health-path": "/healthz",
  "ready-path": "/readyz",
  "ready-timeout": "5m",
  "request-timeout": "10s",
  headers: "",
  "smoke-path": "/v1/agent/run",
  "smoke-input": '{"input":"ping"}',
  "smoke-expect": "",
  "smoke-min-tool-calls": "0",
  "max-steps": "",
  "max-tool-calls": "",
  "max-tokens": "",
  "budget-requests": "50",
  "budget-concurrency": "4",
  "budget-target": "health",
  "max-error-rate": "1%",
  "max-p95": "",
  "max-p99": "",
  "settings-drift": "fail",
  "swap-with-preview": "false",
  "preserve-vnet": "true",
  "swap-timeout": "10m",
  watch: "2m",
  "watch-interval": "15s",
  "report-path": "",
  reason: ""
};
var INPUT_NAMES = Object.keys(INPUT_DEFAULTS);
var GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
var SLOT_NAME = /^[a-z0-9][a-z0-9-]{0,58}$/i;
var APP_NAME = /^[a-z0-9][a-z0-9-]{0,58}$/i;
var HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
var TRUE = ["true", "True", "TRUE"];
var FALSE = ["false", "False", "FALSE"];
var text = external_exports.string().transform((s) => s.trim());
var optionalText = text.transform((s) => s === "" ? void 0 : s);
var duration = (options = {}) => text.transform((s, ctx) => {
  const ms = parseDuration(s);
  if (ms === void 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a duration such as 90s, 5m or 1m30s, got "${s}"`
    });
    return external_exports.NEVER;
  }
  if (options.min !== void 0 && ms < options.min) {
    ctx.addIssue({ code: "custom", message: `must be at least ${options.min}ms, got "${s}"` });
    return external_exports.NEVER;
  }
  return ms;
});
var optionalDuration = text.transform((s, ctx) => {
  if (s === "") return void 0;
  const ms = parseDuration(s);
  if (ms === void 0 || ms <= 0) {
    ctx.addIssue({
      code: "custom",
      message: `expected a positive duration such as 800ms or 2s, got "${s}"`
    });
    return external_exports.NEVER;
  }
  return ms;
});
function wholeNumber(s, min, max) {
  const n = Number(s);
  return /^\d+$/.test(s) && n >= min && n <= max ? n : void 0;
}
var integer = (min, max) => text.transform((s, ctx) => {
  const n = wholeNumber(s, min, max);
  if (n !== void 0) return n;
  ctx.addIssue({
    code: "custom",
    message: `expected a whole number from ${min} to ${max}, got "${s}"`
  });
  return external_exports.NEVER;
});
var optionalInteger = (min, max) => text.transform((s, ctx) => {
  if (s === "") return void 0;
  const n = wholeNumber(s, min, max);
  if (n !== void 0) return n;
  ctx.addIssue({
    code: "custom",
    message: `expected a whole number from ${min} to ${max} or empty, got "${s}"`
  });
  return external_exports.NEVER;
});
var boolean = text.transform((s, ctx) => {
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  ctx.addIssue({ code: "custom", message: `expected true or false, got "${s}"` });
  return external_exports.NEVER;
});
var oneOf = (values) => text.transform((s, ctx) => {
  if (values.includes(s)) return s;
  ctx.addIssue({ code: "custom", message: `expected one of ${values.join(", ")}, got "${s}"` });
  return external_exports.NEVER;
});
var rate = text.transform((s, ctx) => {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(s);
  const value = percent ? Number(percent[1]) / 100 : /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : NaN;
  if (!(value >= 0 && value <= 1)) {
    ctx.addIssue({
      code: "custom",
      message: `expected a percentage such as 1% or a fraction such as 0.01, got "${s}"`
    });
    return external_exports.NEVER;
  }
  return value;
});
var path = (what, optional) => text.transform((s, ctx) => {
  if (s === "" && optional) return void 0;
  if (!s.startsWith("/") || /\s/.test(s)) {
    ctx.addIssue({
      code: "custom",
      message: `expected a ${what} path starting with /, got "${s}"`
    });
    return external_exports.NEVER;
  }
  return s;
});
var matching = (re, what) => text.transform((s, ctx) => {
  if (s === "") return void 0;
  if (!re.test(s)) {
    ctx.addIssue({ code: "custom", message: `expected ${what}, got "${s}"` });
    return external_exports.NEVER;
  }
  return s;
});
var url = text.transform((s, ctx) => {
  if (s === "") return void 0;
  try {
    const u = new URL(s);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("protocol");
    return s.replace(/\/+$/, "");
  } catch {
    ctx.addIssue({
      code: "custom",
      message: `expected an http(s) URL such as https://myapp.azurewebsites.net, got "${s}"`
    });
    return external_exports.NEVER;
  }
});
var json = text.transform((s, ctx) => {
  try {
    JSON.parse(s);
    return s;
  } catch {
    ctx.addIssue({ code: "custom", message: 'expected valid JSON, for example {"input":"ping"}' });
    return external_exports.NEVER;
  }
});
var matcher = text.transform((s, ctx) => {
  if (s === "") return void 0;
  const re = /^\/(.+)\/([dgimsuvy]*)$/.exec(s);
  if (!re) return { kind: "substring", value: s };
  try {
    return { kind: "regex", value: new RegExp(re[1], re[2].replace("g", "")) };
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `invalid regular expression ${s}: ${error.message}`
    });
    return external_exports.NEVER;
  }
});
var headers = external_exports.string().transform((s, ctx) => {
  const out = {};
  s.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon).trim() : "";
    if (!HEADER_NAME.test(name)) {
      ctx.addIssue({ code: "custom", message: `line ${i + 1} is not "Name: value"` });
      return;
    }
    out[name.toLowerCase()] = line.slice(colon + 1).trim();
  });
  return out;
});
var fields = {
  mode: oneOf(MODES),
  "app-name": matching(APP_NAME, "an App Service name (letters, digits, hyphens)"),
  "resource-group": matching(/^[-\w.()]{1,90}$/, "a resource group name"),
  "subscription-id": matching(GUID, "a subscription id (GUID)"),
  "client-id": matching(GUID, "a client id (GUID)"),
  "tenant-id": matching(
    /^([0-9a-f-]{36}|[a-z0-9.-]+\.[a-z]{2,})$/i,
    "a tenant id (GUID or domain)"
  ),
  auth: oneOf(["auto", "oidc", "azure-cli", "environment"]),
  audience: text,
  cloud: text.transform((s, ctx) => {
    if (["azurecloud", "azurechinacloud", "azureusgovernment"].includes(s.toLowerCase())) return s;
    if (isFile(s)) return s;
    ctx.addIssue({
      code: "custom",
      message: `expected AzureCloud, AzureChinaCloud, AzureUSGovernment or the path of an existing cloud file, got "${s}"`
    });
    return external_exports.NEVER;
  }),
  package: optionalText,
  slot: matching(SLOT_NAME, "a slot name (letters, digits, hyphens)"),
  "target-slot": matching(SLOT_NAME, "a slot name (letters, digits, hyphens)"),
  "deploy-timeout": duration({ min: 1e3 }),
  url,
  "expected-version": optionalText,
  "health-path": path("health", false),
  "ready-path": path("readiness", true),
  "ready-timeout": duration({ min: 1e3 }),
  "request-timeout": duration({ min: 100 }),
  headers,
  "smoke-path": path("smoke", true),
  "smoke-input": json,
  "smoke-expect": matcher,
  "smoke-min-tool-calls": integer(0, 1e3),
  "max-steps": optionalInteger(1, 1e5),
  "max-tool-calls": optionalInteger(0, 1e5),
  "max-tokens": optionalInteger(1, 1e8),
  "budget-requests": integer(0, 1e5),
  "budget-concurrency": integer(1, 256),
  "budget-target": oneOf(["health", "smoke"]),
  "max-error-rate": rate,
  "max-p95": optionalDuration,
  "max-p99": optionalDuration,
  "settings-drift": oneOf(["fail", "warn", "off"]),
  "swap-with-preview": boolean,
  "preserve-vnet": boolean,
  "swap-timeout": duration({ min: 1e3 }),
  watch: duration(),
  "watch-interval": duration({ min: 100 }),
  "report-path": optionalText,
  reason: optionalText
};
function crossRules(i, problem) {
  const azureModes = ["release", "deploy", "swap", "rollback", "cleanup"];
  const mode = i.mode;
  if (mode === void 0) return;
  const present = (name) => i[name] !== void 0 || !(name in i);
  if (azureModes.includes(mode)) {
    for (const name of ["app-name", "resource-group", "subscription-id"]) {
      if (!present(name)) problem(name, `is required in ${mode} mode`);
    }
    if (i.auth === "oidc") {
      for (const name of ["client-id", "tenant-id"]) {
        if (!present(name)) problem(name, "is required when auth is oidc");
      }
    } else if (i.auth === "auto" && present("client-id") !== present("tenant-id")) {
      const missing = present("client-id") ? "tenant-id" : "client-id";
      problem(
        missing,
        `is required with ${missing === "tenant-id" ? "client-id" : "tenant-id"} for OIDC login`
      );
    }
  }
  if (mode === "verify" && !present("url")) problem("url", "is required in verify mode");
  if ((mode === "release" || mode === "deploy") && "package" in i) {
    if (i.package === void 0) problem("package", `is required in ${mode} mode`);
    else if (!isFile(i.package)) problem("package", `file not found: "${i.package}"`);
  }
  if (["release", "swap", "rollback"].includes(mode) && i.slot && i.slot === i["target-slot"]) {
    problem("target-slot", `must differ from slot ("${i.slot}")`);
  }
  if (mode === "cleanup" && i.slot) {
    const protectedSlots = ["production", "staging", i["target-slot"]?.toLowerCase()];
    if (protectedSlots.includes(i.slot.toLowerCase())) {
      problem("slot", `cleanup deletes preview slots only and refuses "${i.slot}"`);
    }
  }
  if (mode === "deploy" && i.slot?.toLowerCase() === "production") {
    problem("slot", "deploy mode never deploys to production; use release");
  }
  const requests = i["budget-requests"];
  const concurrency = i["budget-concurrency"];
  if (requests !== void 0 && concurrency !== void 0 && requests > 0 && concurrency > requests) {
    problem("budget-concurrency", `must not exceed budget-requests (${requests})`);
  }
  if ("smoke-path" in i && i["smoke-path"] === void 0) {
    if (i["budget-target"] === "smoke")
      problem("budget-target", "is smoke but smoke-path is empty");
    for (const name of ["smoke-expect", "max-steps", "max-tool-calls", "max-tokens"]) {
      if (i[name] !== void 0) problem(name, "needs a smoke call, but smoke-path is empty");
    }
    if ((i["smoke-min-tool-calls"] ?? 0) > 0) {
      problem("smoke-min-tool-calls", "needs a smoke call, but smoke-path is empty");
    }
  }
  const maxTools = i["max-tool-calls"];
  if (maxTools !== void 0 && (i["smoke-min-tool-calls"] ?? 0) > maxTools) {
    problem("smoke-min-tool-calls", `must not exceed max-tool-calls (${maxTools})`);
  }
  const p95 = i["max-p95"];
  const p99 = i["max-p99"];
  if (p95 !== void 0 && p99 !== void 0 && p95 > p99)
    problem("max-p95", "must not exceed max-p99");
  const watch = i.watch;
  const interval = i["watch-interval"];
  if (watch !== void 0 && interval !== void 0 && watch > 0 && interval > watch) {
    problem("watch-interval", "must not exceed watch");
  }
  const request = i["request-timeout"];
  const ready = i["ready-timeout"];
  if (request !== void 0 && ready !== void 0 && request > ready) {
    problem("request-timeout", "must not exceed ready-timeout");
  }
}
function isFile(p) {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
var SKIPPABLE = ["ready-path", "smoke-path"];
function effectiveValue(name, value) {
  if (value === void 0) return INPUT_DEFAULTS[name];
  if (SKIPPABLE.includes(name)) return ["", "none"].includes(value.trim()) ? "" : value;
  return value.trim() === "" ? INPUT_DEFAULTS[name] : value;
}
function parseInputs(raw) {
  const problems = [];
  const parsed = {};
  for (const name of INPUT_NAMES) {
    const result = fields[name].safeParse(effectiveValue(name, raw[name]));
    if (result.success) parsed[name] = result.data;
    else for (const issue of result.error.issues) problems.push(`${name}: ${issue.message}`);
  }
  crossRules(parsed, (name, message) => problems.push(`${name}: ${message}`));
  if (problems.length > 0) throw new InputError(problems);
  const i = parsed;
  return {
    mode: i.mode,
    appName: i["app-name"],
    resourceGroup: i["resource-group"],
    subscriptionId: i["subscription-id"],
    clientId: i["client-id"],
    tenantId: i["tenant-id"],
    auth: i.auth,
    audience: i.audience,
    cloud: i.cloud,
    package: i.package,
    slot: i.slot ?? "staging",
    targetSlot: i["target-slot"] ?? "production",
    deployTimeoutMs: i["deploy-timeout"],
    url: i.url,
    expectedVersion: i["expected-version"],
    healthPath: i["health-path"] ?? "/healthz",
    readyPath: i["ready-path"],
    readyTimeoutMs: i["ready-timeout"],
    requestTimeoutMs: i["request-timeout"],
    headers: i.headers,
    smokePath: i["smoke-path"],
    smokeInput: i["smoke-input"],
    smokeExpect: i["smoke-expect"],
    smokeMinToolCalls: i["smoke-min-tool-calls"],
    maxSteps: i["max-steps"],
    maxToolCalls: i["max-tool-calls"],
    maxTokens: i["max-tokens"],
    budgetRequests: i["budget-requests"],
    budgetConcurrency: i["budget-concurrency"],
    budgetTarget: i["budget-target"],
    maxErrorRate: i["max-error-rate"],
    maxP95Ms: i["max-p95"],
    maxP99Ms: i["max-p99"],
    settingsDrift: i["settings-drift"],
    swapWithPreview: i["swap-with-preview"],
    preserveVnet: i["preserve-vnet"],
    swapTimeoutMs: i["swap-timeout"],
    watchMs: i.watch,
    watchIntervalMs: i["watch-interval"],
    reportPath: i["report-path"],
    reason: i.reason
  };
}
function readRawInputs(env = process.env) {
  const raw = {};
  for (const name of INPUT_NAMES) {
    const value = env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`];
    if (value !== void 0) raw[name] = value;
  }
  return raw;
}

// src/record.ts
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
function createRecord(mode, traceId = randomBytes(16).toString("hex")) {
  return {
    schema: "slot-release/decision-record@1",
    mode,
    result: "running",
    verdict: "",
    startedAt: (/* @__PURE__ */ new Date()).toISOString(),
    traceId,
    target: {},
    versions: {},
    stages: [],
    budgets: []
  };
}
async function writeRecord(path2, record) {
  await mkdir(dirname(path2), { recursive: true });
  const text2 = JSON.stringify(
    record,
    (_key, value) => typeof value === "string" ? redact(value) : value,
    2
  );
  await writeFile(path2, text2 + "\n");
}

// src/summary.ts
var ICON = {
  passed: "\u2705",
  warned: "\u26A0\uFE0F",
  failed: "\u274C",
  skipped: "\u23ED\uFE0F",
  promoted: "\u2705",
  cleaned: "\u2705",
  "rolled-back": "\u21A9\uFE0F",
  blocked: "\u26D4"
};
function renderSummary(record) {
  const lines = [];
  lines.push(
    `### ${ICON[record.result] ?? "\u274C"} slot-release ${record.mode}: ${record.result} \u2014 ${record.verdict}`,
    ""
  );
  if (record.hint) lines.push(`> **Next step:** ${record.hint}`, "");
  const t = record.target;
  const facts = [
    ["App", t.app ? `${t.app} (${t.resourceGroup})` : void 0],
    ["Slot", t.slot && t.slotUrl ? `${t.slot} \u2014 ${t.slotUrl}` : t.slot],
    [
      "Target",
      t.targetSlot && t.productionUrl ? `${t.targetSlot} \u2014 ${t.productionUrl}` : t.targetSlot
    ],
    ["URL", t.url],
    ["Version expected", record.versions.expected],
    ["Version deployed", record.versions.deployed],
    ["Version before", record.versions.previous],
    ["Production now serves", record.versions.production],
    [
      "Swap",
      record.swap ? `${record.swap.source} \u2192 ${record.swap.target} in ${formatDuration(record.swap.durationMs)}${record.swap.withPreview ? " (with preview)" : ""}` : void 0
    ],
    ["Requested by", record.requestedBy],
    ["Reason", record.reason],
    ["Trace id", record.traceId]
  ];
  const shown = facts.filter(([, v]) => v !== void 0);
  if (shown.length > 0) {
    lines.push("| | |", "|---|---|", ...shown.map(([k, v]) => `| ${k} | ${cell(v)} |`), "");
  }
  lines.push("| Stage | Result | Duration | Detail |", "|---|---|---|---|");
  for (const s of record.stages) {
    lines.push(
      `| ${s.name} | ${ICON[s.status]} ${s.status} | ${formatDuration(s.durationMs)} | ${cell(s.summary)} |`
    );
  }
  lines.push("");
  if (record.budgets.length > 0) {
    lines.push("| Budget | Metric | Observed | Limit | |", "|---|---|---|---|---|");
    for (const b of record.budgets) {
      const limit = b.limit === void 0 ? "\u2014" : show(b.limit, b.unit);
      lines.push(
        `| ${b.scope} | ${b.metric} | ${show(b.observed, b.unit)} | ${limit} | ${b.limit === void 0 ? "" : b.passed ? "\u2705" : "\u274C"} |`
      );
    }
    lines.push("");
  }
  if (record.settingsDrift && record.settingsDrift.names.length > 0) {
    lines.push(
      `**Settings that would move with the swap** (policy: ${record.settingsDrift.policy}; names only): ${record.settingsDrift.names.map((n) => `\`${n}\``).join(", ")}`,
      ""
    );
  }
  if (record.rollbackCommand) {
    lines.push("**Roll back:**", "", "```sh", record.rollbackCommand, "```", "");
  }
  return redact(lines.join("\n"));
}
function cell(text2) {
  return text2.replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}
async function writeSummary(record) {
  await writeMarkdown(renderSummary(record));
}
async function writeMarkdown(markdown) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(redact(markdown), true).write().then(
    () => void 0,
    (error) => warning(`Could not write the job summary: ${describeError(error)}`)
  );
}
async function writeInputErrorSummary(error) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const problems = error instanceof InputError ? error.problems : [String(error)];
  const text2 = [
    `### \u274C slot-release: invalid inputs \u2014 nothing was changed in Azure`,
    "",
    ...problems.map((p) => `- ${p.replace(/\r?\n/g, " ")}`),
    ""
  ].join("\n");
  await writeMarkdown(text2);
}

export {
  parseInputs,
  readRawInputs,
  createRecord,
  writeRecord,
  writeSummary,
  writeMarkdown,
  writeInputErrorSummary
};

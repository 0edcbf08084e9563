import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  clearPendingSwap,
  savePendingSwap
} from "./chunk-ETRWRAHB.js";
import {
  connectAzure,
  lastSwapTimes,
  resolveCloud,
  rollbackCommand,
  swapBackAndVerify,
  swapStage
} from "./chunk-IRVQGAXI.js";
import {
  GateFailure,
  assertWithinBudget,
  backoffDelay,
  cancelledBy,
  currentVersion,
  formatDuration,
  measureBudget,
  pollUntil,
  readinessOptions,
  realClock,
  require_undici,
  runGates,
  runSmoke,
  skipStage,
  smokeOptions,
  stage,
  waitUntilReady,
  withGateRun
} from "./chunk-JXKPFM4L.js";
import {
  OutcomeUnknownError,
  SlotReleaseError,
  describeError,
  info,
  warning
} from "./chunk-UUBOPBU4.js";
import {
  __toESM
} from "./chunk-EBA66YNJ.js";

// src/modes/cleanup.ts
async function cleanup(run) {
  const slot = run.inputs.slot;
  const { deleted } = await stage(run.record, `delete (${slot})`, async () => {
    const r = await run.app.deleteSlot(slot);
    return { value: r, summary: r.deleted ? `slot ${slot} deleted` : `slot ${slot} did not exist` };
  });
  return {
    result: "cleaned",
    verdict: deleted ? `preview slot ${slot} deleted` : `preview slot ${slot} was already gone`
  };
}

// src/azure/kudu.ts
var import_undici = __toESM(require_undici(), 1);
import { readFile } from "node:fs/promises";

// src/retry.ts
async function retry(fn, options) {
  const clock = options.clock ?? realClock;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted) throw error;
      const verdict = options.shouldRetry(error, attempt);
      if (verdict === false) throw error;
      const delay = verdict === true ? backoffDelay(attempt - 1, options.backoff) : verdict;
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}

// src/azure/kudu.ts
var DeployStatus = [
  "Pending",
  "Building",
  "Deploying",
  "Failed",
  "Success",
  "Complete"
];
var RetryableResponse = class extends Error {
  response;
  constructor(response) {
    super(`HTTP ${response.status}`);
    this.response = response;
  }
};
var defaultRetryBackoff = { initialMs: 1e3, maxMs: 1e4, factor: 2 };
var defaultPollBackoff = { initialMs: 1e3, maxMs: 5e3, factor: 1.5 };
var transportCodes = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT"
]);
function header(response, name) {
  const value = response.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
function retryAfterMs(value, now = Date.now()) {
  if (!value) return void 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1e3);
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function isRetryableStatus(status) {
  return status === 429 || status === 408 || status >= 500 && status !== 501 && status !== 505;
}
function isTransportError(error) {
  const record = error;
  const code = record?.code ?? record?.cause?.code;
  return typeof code === "string" && transportCodes.has(code);
}
function bodyMessage(text) {
  const trimmed = text.trim();
  if (!trimmed) return "";
  try {
    const json = JSON.parse(trimmed);
    if (typeof json === "string") return json.slice(0, 300);
    const record = typeof json === "object" && json !== null ? json : {};
    const message = record.Message ?? record.message ?? record.error;
    if (typeof message === "string") return message;
  } catch {
  }
  if (trimmed.startsWith("<")) return "";
  return trimmed.replace(/\s+/g, " ").slice(0, 300);
}
function statusName(status) {
  return typeof status === "number" ? DeployStatus[status] ?? `status ${status}` : "unknown";
}
function parseDeployResult(text) {
  try {
    const json = JSON.parse(text);
    return typeof json === "object" && json !== null ? json : void 0;
  } catch {
    return void 0;
  }
}
function createKuduClient(options, clock) {
  const base = options.scmUrl.replace(/\/+$/, "");
  const ownDispatcher = options.dispatcher ? void 0 : new import_undici.Agent({
    keepAliveTimeout: 3e4,
    ...options.ca && { connect: { ca: options.ca } }
  });
  const dispatcher = options.dispatcher ?? ownDispatcher;
  const slotLabel = options.slot ? `slot ${options.slot}` : base;
  async function token() {
    const accessToken = await options.credential.getToken(options.scope, {
      ...options.signal && { abortSignal: options.signal }
    });
    if (!accessToken) {
      throw new SlotReleaseError("The credential returned no token for Kudu.", {
        hint: "Check the auth input and the login step."
      });
    }
    return accessToken.token;
  }
  async function send(method, pathOrUrl, timeoutMs, init = {}) {
    const url = /^https?:\/\//i.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
    const timeout = AbortSignal.timeout(Math.max(1e3, timeoutMs));
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const response = await (0, import_undici.request)(url, {
      method,
      dispatcher,
      signal,
      headers: {
        authorization: `Bearer ${await token()}`,
        accept: "application/json",
        "user-agent": "slot-release",
        ...init.headers
      },
      ...init.body && { body: init.body }
    });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  }
  async function sendWithRetry(method, path, deadline, attempts, backoff, init) {
    try {
      return await retry(
        async () => {
          const response = await send(method, path, deadline - clock.now(), init);
          if (isRetryableStatus(response.status)) throw new RetryableResponse(response);
          return response;
        },
        {
          attempts,
          backoff,
          clock,
          ...options.signal && { signal: options.signal },
          shouldRetry: (error) => {
            const remaining = deadline - clock.now();
            if (error instanceof RetryableResponse) {
              const wait = retryAfterMs(header(error.response, "retry-after"), clock.now());
              if (wait !== void 0) return wait < remaining ? Math.min(wait, 6e4) : false;
              return remaining > 0;
            }
            return isTransportError(error) && remaining > 0;
          }
        }
      );
    } catch (error) {
      if (error instanceof RetryableResponse) return error.response;
      throw error;
    }
  }
  function unreachable(error, what) {
    if (error instanceof SlotReleaseError) return error;
    return new SlotReleaseError(
      `Could not reach Kudu at ${base} to ${what}: ${describeError(error)}`,
      {
        cause: error,
        hint: "Check that the SCM site is reachable from the runner (access restrictions, private endpoints) and re-run."
      }
    );
  }
  function httpError(response, what) {
    const detail = bodyMessage(response.text);
    const message = `Kudu at ${base} could not ${what} (HTTP ${response.status})${detail ? `: ${detail}` : ""}`;
    switch (response.status) {
      case 401:
      case 403:
        return new SlotReleaseError(message, {
          hint: "The identity needs the publish permission on the slot (Microsoft.Web/sites/slots/publish/action, e.g. Website Contributor); SCM access restrictions may also block the runner."
        });
      case 404:
        return new SlotReleaseError(message, {
          hint: "The SCM site did not know this endpoint: check that the slot exists and is a Linux or Windows web app with Kudu enabled."
        });
      case 429:
        return new SlotReleaseError(message, {
          hint: "Kudu throttled the requests: re-run later."
        });
      default:
        return new SlotReleaseError(message, {
          hint: response.status >= 500 ? "Kudu kept failing within the retry budget: re-run; if it persists, restart the slot." : void 0
        });
    }
  }
  async function tail(logUrl, deadline, lines = 20) {
    try {
      const response = await send("GET", logUrl, Math.min(15e3, deadline - clock.now()));
      if (response.status !== 200) return [];
      const entries = JSON.parse(response.text);
      if (!Array.isArray(entries)) return [];
      const out = [];
      for (const entry of entries) {
        if (typeof entry.message === "string") out.push(entry.message);
      }
      for (const entry of entries.slice(-3)) {
        if (typeof entry.details_url !== "string" || !entry.details_url) continue;
        const details = await send("GET", entry.details_url, 1e4);
        if (details.status !== 200) continue;
        const nested = JSON.parse(details.text);
        if (!Array.isArray(nested)) continue;
        for (const item of nested) if (typeof item.message === "string") out.push(item.message);
      }
      return out.flatMap((line) => line.split(/\r?\n/)).filter((l) => l.trim()).slice(-lines);
    } catch {
      return [];
    }
  }
  async function close() {
    await ownDispatcher?.close();
  }
  return { base, slotLabel, send, sendWithRetry, unreachable, httpError, tail, close };
}
async function deployZip(options) {
  const clock = options.clock ?? realClock;
  const started = clock.now();
  const deadline = started + options.timeoutMs;
  const attempts = options.retry?.attempts ?? 5;
  const retryBackoff = options.retry?.backoff ?? defaultRetryBackoff;
  let zip;
  if (typeof options.zip === "string") {
    try {
      zip = await readFile(options.zip);
    } catch (error) {
      throw new SlotReleaseError(`Cannot read the package ${options.zip}.`, {
        cause: error,
        hint: "Check the package input: it must be the path of a zip built earlier in the job."
      });
    }
  } else {
    zip = options.zip;
  }
  const kudu = createKuduClient(options, clock);
  const { slotLabel } = kudu;
  try {
    let posted;
    try {
      posted = await kudu.sendWithRetry(
        "POST",
        "/api/publish?type=zip&async=true&deployer=slot-release",
        deadline,
        attempts,
        retryBackoff,
        { body: zip, headers: { "content-type": "application/octet-stream" } }
      );
    } catch (error) {
      if (clock.now() >= deadline || options.signal?.aborted) {
        throw timeoutError(options, slotLabel, kudu.base, "uploading the package", error);
      }
      throw kudu.unreachable(error, "upload the package");
    }
    if (posted.status === 409) {
      const detail = bodyMessage(posted.text);
      throw new SlotReleaseError(
        `a deployment is already running on ${slotLabel}${detail ? ` (Kudu: ${detail})` : ""}.`,
        {
          hint: `Wait for it to finish or cancel it (see ${kudu.base}/api/deployments/latest), then re-run. If WEBSITE_RUN_FROM_PACKAGE is set to a URL, remove it: push deployments are refused then.`
        }
      );
    }
    if (posted.status !== 200 && posted.status !== 202) {
      throw kudu.httpError(posted, `accept the package for ${slotLabel}`);
    }
    const headerId = header(posted, "scm-deployment-id");
    const location = header(posted, "location");
    const pollPath = headerId ? `/api/deployments/${encodeURIComponent(headerId)}` : location ?? "/api/deployments/latest";
    let last;
    const result = await pollUntil(
      async (remaining) => {
        let response;
        try {
          response = await kudu.send("GET", pollPath, remaining);
        } catch (error) {
          if (error instanceof SlotReleaseError) throw error;
          return { done: false, reason: `status request failed: ${describeError(error)}` };
        }
        if (response.status === 401 || response.status === 403) {
          throw kudu.httpError(response, `report the deployment status of ${slotLabel}`);
        }
        if (response.status === 404) return { done: false, reason: "deployment not visible yet" };
        if (response.status !== 200 && response.status !== 202) {
          const wait = retryAfterMs(header(response, "retry-after"), clock.now());
          return {
            done: false,
            reason: `HTTP ${response.status}`,
            ...wait !== void 0 && wait > 0 && { retryAfterMs: Math.min(wait, 3e4) }
          };
        }
        const body2 = parseDeployResult(response.text);
        if (!body2) return { done: false, reason: "unreadable status" };
        last = body2;
        const status = body2.status;
        if (status === 3) return { done: true, value: body2 };
        if ((status === 4 || status === 5) && response.status === 200 && body2.complete !== false) {
          return { done: true, value: body2 };
        }
        const text = typeof body2.status_text === "string" && body2.status_text ? `: ${body2.status_text}` : "";
        return { done: false, reason: `${statusName(status)}${text}` };
      },
      {
        deadline,
        backoff: options.pollBackoff ?? defaultPollBackoff,
        clock,
        progressEveryMs: options.progressEveryMs ?? 1e4,
        ...options.signal && { signal: options.signal },
        ...options.onProgress && {
          onProgress: (elapsedMs, reason) => options.onProgress?.({ elapsedMs: clock.now() - started, status: reason })
        }
      }
    );
    if (!result.ok) {
      throw timeoutError(options, slotLabel, kudu.base, `waiting (last status: ${result.reason})`);
    }
    const body = result.value;
    const deploymentId = typeof body.id === "string" && body.id || headerId || (typeof last?.id === "string" ? last.id : "") || "latest";
    if (body.status === 3) {
      const logUrl = typeof body.log_url === "string" && body.log_url ? body.log_url : `/api/deployments/${encodeURIComponent(deploymentId)}/log`;
      const log = await kudu.tail(logUrl, deadline + 15e3);
      const text = typeof body.status_text === "string" && body.status_text ? ` (${body.status_text})` : "";
      throw new SlotReleaseError(
        `Deployment ${deploymentId} to ${slotLabel} failed${text}.` + (log.length > 0 ? `
Last lines of the deployment log:
${log.map((l) => `  ${l}`).join("\n")}` : ""),
        {
          hint: `Fix the error in the deployment log (full log: ${kudu.base}/api/deployments/${deploymentId}/log); production was not changed.`
        }
      );
    }
    return { deploymentId, durationMs: clock.now() - started };
  } finally {
    await kudu.close();
  }
}
function timeoutError(options, slotLabel, base, phase, cause) {
  if (options.signal?.aborted) {
    return new SlotReleaseError(`The deployment to ${slotLabel} was cancelled while ${phase}.`, {
      cause
    });
  }
  return new SlotReleaseError(
    `The deployment to ${slotLabel} did not complete within ${formatDuration(options.timeoutMs)} (deploy-timeout), ${phase}.`,
    {
      cause,
      hint: `It may still be running in Kudu: check ${base}/api/deployments/latest (or Deployment Center) before re-running; raise deploy-timeout if builds are slow.`
    }
  );
}
async function getRunningDeployment(options) {
  const clock = options.clock ?? realClock;
  const kudu = createKuduClient(options, clock);
  try {
    const deadline = clock.now() + (options.timeoutMs ?? 3e4);
    let response;
    try {
      response = await kudu.sendWithRetry(
        "GET",
        "/api/deployments/latest",
        deadline,
        3,
        defaultRetryBackoff
      );
    } catch (error) {
      throw kudu.unreachable(error, "read the latest deployment");
    }
    if (response.status === 404 || response.status === 204) return null;
    if (response.status !== 200 && response.status !== 202) {
      throw kudu.httpError(response, `read the latest deployment of ${kudu.slotLabel}`);
    }
    const body = parseDeployResult(response.text);
    if (!body) return null;
    const running = body.complete === false || response.status === 202 && body.status !== 3 && body.status !== 4 && body.status !== 5;
    if (!running) return null;
    return {
      id: typeof body.id === "string" ? body.id : "latest",
      status: statusName(body.status)
    };
  } finally {
    await kudu.close();
  }
}

// src/deploy.ts
function deployStage(run, slot) {
  const { inputs } = run;
  return stage(run.record, `deploy (${slot.name})`, async () => {
    const running = await getRunningDeployment(run.kudu(slot));
    if (running) {
      throw new SlotReleaseError(
        `A deployment (${running.id}, ${running.status}) is already running on slot ${slot.name}; refusing to start another.`,
        {
          hint: `Wait for it to finish (${slot.scmUrl}/api/deployments/latest), then re-run this job.`
        }
      );
    }
    const result = await deployZip({
      ...run.kudu(slot),
      zip: inputs.package,
      timeoutMs: inputs.deployTimeoutMs,
      onProgress: ({ elapsedMs, status }) => info(`  deployment ${status} after ${formatDuration(elapsedMs)}`)
    });
    return {
      value: result,
      summary: `deployment ${result.deploymentId} completed in ${formatDuration(result.durationMs)}`,
      evidence: {
        deploymentId: result.deploymentId,
        durationMs: Math.round(result.durationMs),
        scmUrl: slot.scmUrl
      }
    };
  });
}

// src/modes/slots.ts
function resolveSlots(run, options = {}) {
  const { inputs, record } = run;
  return stage(record, "resolve", async () => {
    const created = options.create ? (await run.app.ensureSlot(inputs.slot)).created : false;
    const [slot, target] = await Promise.all([
      run.app.getSlot(inputs.slot),
      run.app.getSlot(inputs.targetSlot)
    ]);
    record.target.slotUrl = slot.hostUrl;
    record.target.productionUrl = target.hostUrl;
    return {
      value: { slot, target },
      summary: `${created ? `created slot ${slot.name}; ` : ""}${slot.name} is ${slot.hostUrl}, ${target.name} is ${target.hostUrl}`,
      evidence: { created, slot: slot.hostUrl, scm: slot.scmUrl, target: target.hostUrl }
    };
  });
}
function warnWithoutExpectedVersion(run) {
  if (run.inputs.expectedVersion !== void 0) return;
  warning(
    "expected-version is not set, so the gates cannot prove the slot serves the new build (App Service can serve the previous one for a while after a deployment). Set it to the version your /healthz reports, such as the commit SHA.",
    { title: "slot-release: expected-version not set" }
  );
}

// src/modes/deploy.ts
async function deploy(run) {
  const { slot } = await resolveSlots(run, { create: true });
  await deployStage(run, slot);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return {
    result: "passed",
    verdict: `${slot.hostUrl} serves ${version ?? "the build"} and passed every gate`
  };
}

// src/settings.ts
function settingsThatMove(source, target, stickyNames) {
  const sticky = new Set(stickyNames.map((n) => n.toLowerCase()));
  const names = /* @__PURE__ */ new Set([...Object.keys(source), ...Object.keys(target)]);
  return [...names].filter((n) => !sticky.has(n.toLowerCase()) && source[n] !== target[n]).sort();
}
async function settingsStage(run, source, target) {
  const policy = run.inputs.settingsDrift;
  const name = `settings (${source} \u2192 ${target})`;
  if (policy === "off") return skipStage(run.record, name, "settings-drift is off");
  await stage(run.record, name, async () => {
    const [from, to, fromStrings, toStrings, sticky] = await Promise.all([
      run.app.listAppSettings(source),
      run.app.listAppSettings(target),
      run.app.listConnectionStrings(source),
      run.app.listConnectionStrings(target),
      run.app.listStickyNames()
    ]);
    const moving = [
      ...settingsThatMove(from, to, sticky.appSettingNames),
      ...settingsThatMove(fromStrings, toStrings, sticky.connectionStringNames).map(
        (name2) => `${name2} (connection string)`
      )
    ];
    const stickyNames = [...sticky.appSettingNames, ...sticky.connectionStringNames];
    run.record.settingsDrift = { policy, names: moving, stickyNames };
    const evidence = { moving, sticky: stickyNames };
    if (moving.length === 0) {
      return {
        value: void 0,
        summary: "no app setting or connection string would move with the swap",
        evidence
      };
    }
    const list = moving.join(", ");
    const why = `${moving.length} setting${moving.length === 1 ? "" : "s"} differ between ${source} and ${target} and are not slot settings, so the swap would carry them into ${target}: ${list}`;
    if (policy === "fail") {
      throw new GateFailure(why, {
        evidence,
        hint: `Mark them as deployment slot settings (sticky), make the values equal, or set settings-drift: warn.`
      });
    }
    return { value: void 0, summary: why, evidence, status: "warned" };
  });
}

// src/watch.ts
var WATCH_SAMPLE = 20;
async function watchStage(run, productionUrl, version, clock = realClock) {
  const { inputs } = run;
  const name = "watch (production)";
  if (inputs.watchMs === 0) {
    skipStage(run.record, name, "watch is 0");
    return void 0;
  }
  let regression;
  await stage(run.record, name, async () => {
    const deadline = clock.now() + inputs.watchMs;
    let round = 0;
    const stopIfCancelled = () => {
      const cancelled = cancelledBy(run.signal);
      if (!cancelled) return;
      regression = { round, reason: cancelled, cancelled: true };
      throw new GateFailure(`watch stopped in round ${round}: ${cancelled}`, {
        evidence: { round, cancelled: true }
      });
    };
    do {
      round++;
      try {
        await watchRound(run, productionUrl, version);
      } catch (error) {
        stopIfCancelled();
        regression = { round, reason: describeError(error) };
        throw new GateFailure(
          `production regressed in watch round ${round}: ${regression.reason}`,
          {
            evidence: {
              round,
              reason: regression.reason,
              ...error instanceof GateFailure ? error.evidence : {}
            }
          }
        );
      }
      stopIfCancelled();
      const left = deadline - clock.now();
      info(
        `  round ${round} held; ${left > 0 ? `${formatDuration(left)} left` : "window over"}`
      );
      if (left > 0)
        await clock.sleep(Math.min(inputs.watchIntervalMs, left), run.signal).catch(stopIfCancelled);
    } while (clock.now() < deadline);
    return {
      value: void 0,
      summary: `production held for ${formatDuration(inputs.watchMs)} (${round} round${round === 1 ? "" : "s"})`,
      evidence: { rounds: round }
    };
  }).catch((error) => {
    if (!regression) throw error;
  });
  return regression;
}
async function watchRound(run, url, version) {
  const { inputs } = run;
  await waitUntilReady(run.http, url, {
    ...readinessOptions(run, version),
    // A round tolerates a blip shorter than one interval, not a build that stays down.
    timeoutMs: Math.max(inputs.requestTimeoutMs, Math.min(inputs.watchIntervalMs, 3e4))
  });
  if (inputs.smokePath) await runSmoke(run.http, url, smokeOptions(run));
  if (inputs.budgetRequests > 0) {
    const {
      sample: s,
      checks,
      path
    } = await measureBudget(run, url, Math.min(inputs.budgetRequests, WATCH_SAMPLE));
    assertWithinBudget(s, checks, path);
  }
}

// src/promote.ts
async function promote(run, slot, target, version) {
  const { inputs, record } = run;
  const previous = await currentVersion(
    run.http,
    target.hostUrl,
    inputs.healthPath,
    inputs.requestTimeoutMs
  );
  record.versions.previous = previous;
  await settingsStage(run, slot.name, target.name);
  const pending = {
    phase: "previewing",
    slot: slot.name,
    target: target.name,
    previous,
    deployed: version,
    lastSwapBefore: {}
  };
  if (inputs.swapWithPreview) {
    savePendingSwap(pending);
    await previewStage(run, slot, target, version).catch((error) => {
      clearPendingSwap();
      throw error;
    });
  }
  const cancelled = cancelledBy(run.signal);
  if (cancelled) {
    if (inputs.swapWithPreview) await resetPreview(run, slot, target);
    clearPendingSwap();
    throw new GateFailure(`${cancelled} before the swap`);
  }
  pending.phase = "swapping";
  pending.lastSwapBefore = await lastSwapTimes(run, slot.name, target.name);
  savePendingSwap(pending);
  try {
    await swapStage(run, slot.name, target.name);
  } catch (error) {
    if (!(error instanceof OutcomeUnknownError)) clearPendingSwap();
    throw error;
  }
  savePendingSwap({ ...pending, phase: "swapped" });
  record.rollbackCommand = rollbackCommand(run, slot.name, target.name);
  const regression = await watchStage(run, target.hostUrl, version);
  if (!regression) {
    clearPendingSwap();
    const watched = inputs.watchMs > 0;
    if (watched) record.versions.production = version;
    return {
      result: "promoted",
      verdict: `${target.name} serves ${version ?? "the new build"}${previous ? ` (was ${previous})` : ""}; every gate passed${watched ? ` and ${target.name} held` : `; ${target.name} was not watched (watch: 0)`}`
    };
  }
  return swapBack(run, slot, target, pending, regression);
}
async function previewStage(run, slot, target, version) {
  await stage(run.record, `preview (${target.name} settings on ${slot.name})`, async () => {
    await run.app.applySlotConfig(slot.name, target.name, {
      preserveVnet: run.inputs.preserveVnet
    });
    return {
      value: void 0,
      summary: `${target.name}'s slot settings applied to ${slot.name}; gating again`
    };
  });
  try {
    await runGates(run, slot.hostUrl, `${slot.name} with ${target.name} settings`, version);
  } catch (error) {
    await resetPreview(run, slot, target);
    throw error;
  }
}
async function resetPreview(run, slot, target) {
  await stage(run.record, `reset preview (${slot.name})`, async () => {
    await run.app.resetSlotConfig(slot.name);
    return {
      value: void 0,
      summary: `${slot.name} has its own settings back; ${target.name} untouched`
    };
  }).catch(() => void 0);
}
async function swapBack(run, slot, target, pending, regression) {
  const { previous } = pending;
  const why = regression.cancelled ? `${regression.reason} before ${target.name} was proven` : `${target.name} regressed after the swap (${regression.reason})`;
  savePendingSwap({
    ...pending,
    phase: "swapping-back",
    lastSwapBefore: await lastSwapTimes(run, slot.name, target.name)
  });
  let swappedBack = false;
  let restored;
  try {
    restored = await swapBackAndVerify({ ...run, signal: void 0 }, slot, target, previous, why, {
      // The previous build is back: whatever the check says next, the post step must not swap.
      onSwapped: () => {
        swappedBack = true;
        clearPendingSwap();
      }
    });
  } catch (error) {
    if (!swappedBack && !(error instanceof OutcomeUnknownError))
      savePendingSwap({ ...pending, phase: "swapped" });
    throw error;
  }
  run.record.versions.production = restored;
  return {
    result: "rolled-back",
    verdict: `${why}; swapped back, ${target.name} serves ${restored ?? previous ?? "the previous build"} again`,
    hint: regression.cancelled ? "Run the release again when it can finish its watch." : "Fix the regression, then release again; the decision record has the failing round."
  };
}

// src/modes/release.ts
async function release(run) {
  warnWithoutExpectedVersion(run);
  const { slot, target } = await resolveSlots(run);
  await deployStage(run, slot);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return promote(run, slot, target, version);
}

// src/modes/rollback.ts
async function rollback(run) {
  const { inputs, record } = run;
  const { slot, target } = await resolveSlots(run);
  const timeout = inputs.requestTimeoutMs;
  const [before, waiting] = await Promise.all([
    currentVersion(run.http, target.hostUrl, inputs.healthPath, timeout),
    currentVersion(run.http, slot.hostUrl, inputs.healthPath, timeout)
  ]);
  record.versions.previous = before;
  const expected = inputs.expectedVersion ?? waiting;
  const now = await swapBackAndVerify(run, slot, target, expected, `Rollback of ${target.name}`);
  record.versions.production = now;
  return {
    result: "rolled-back",
    verdict: `${target.name} serves ${now ?? "the previous build"} again${before ? ` (was ${before})` : ""}`
  };
}

// src/modes/swap.ts
async function swap(run) {
  const { slot, target } = await resolveSlots(run);
  const { version } = await runGates(run, slot.hostUrl, slot.name);
  run.record.versions.deployed = version;
  return promote(run, slot, target, version);
}

// src/modes/azure-modes.ts
var AZURE_MODES = { release, deploy, swap, rollback, cleanup };
async function runAzureMode(inputs, record, mode, signal) {
  const cloud = await resolveCloud(inputs.cloud);
  return withGateRun(
    inputs,
    record,
    cloud.ca,
    (run) => AZURE_MODES[mode](connectAzure(run, cloud)),
    signal
  );
}
export {
  runAzureMode
};

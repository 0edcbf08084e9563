import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  createRecord,
  parseInputs,
  readRawInputs
} from "./chunk-B5T62KAV.js";
import {
  connectAzure,
  resolveCloud,
  rollbackCommand,
  swapBackAndVerify
} from "./chunk-EJIIXDNT.js";
import {
  currentVersion,
  formatDuration,
  pollUntil,
  realClock,
  withGateRun
} from "./chunk-FA7XH643.js";
import {
  SlotReleaseError,
  describeError,
  info,
  setFailed,
  summary,
  warning
} from "./chunk-D7JAGK2Q.js";
import "./chunk-EBA66YNJ.js";

// src/unfinished-swap.ts
import { randomBytes } from "node:crypto";
var BUDGET_MS = 4 * 6e4;
var SETTLE_MS = 9e4;
var VERIFY_MS = 45e3;
async function finishUnprovenSwap(pending) {
  info(
    `The release ended before ${pending.target} was judged (last step: ${pending.phase}); checking which build ${pending.target} serves.`
  );
  const parsed = parseInputs(readRawInputs());
  const inputs = {
    ...parsed,
    swapTimeoutMs: Math.min(parsed.swapTimeoutMs, BUDGET_MS - SETTLE_MS - VERIFY_MS),
    readyTimeoutMs: Math.min(parsed.readyTimeoutMs, VERIFY_MS)
  };
  const record = createRecord(inputs.mode, randomBytes(16).toString("hex"));
  const cloud = await resolveCloud(inputs.cloud);
  await withGateRun(inputs, record, cloud.ca, async (gateRun) => {
    const run = connectAzure(gateRun, cloud);
    try {
      await finish(run, pending);
    } catch (error) {
      const hint = error instanceof SlotReleaseError && error.hint ? `
${error.hint}` : "";
      setFailed(`The post step could not finish the release: ${describeError(error)}${hint}`);
    }
  });
}
async function finish(run, pending) {
  const slot = await run.app.getSlot(pending.slot);
  let target = await run.app.getSlot(pending.target);
  const command = rollbackCommand(run, slot.name, target.name);
  const { previous, deployed } = pending;
  if (pending.phase !== "swapped") {
    const settled = await swapEnded(run, pending);
    if (!settled) {
      setFailed(
        `A swap between ${slot.name} and ${target.name} started by the release has not completed after ${formatDuration(SETTLE_MS)}; it may still be running, or it may have failed. Check the app's Activity log ("Swap Web App Slots"). Once no swap runs, if ${target.name} serves ${deployed ?? "the new build"}, roll back: ${command}`
      );
      return;
    }
    target = settled;
  }
  if (previous !== void 0 && previous === deployed) {
    setFailed(
      `${target.name} reported version "${previous}" both before and after the release, so the post step cannot tell the two builds apart. Check which build ${target.name} serves; if it is the new one, roll back: ${command}`
    );
    return;
  }
  const serving = await steadyVersion(run, target);
  const known = previous !== void 0 && deployed !== void 0;
  if (known && serving === previous) {
    info(
      `${target.name} serves ${previous}, the build from before the release: nothing to undo.`
    );
    return;
  }
  if (!known || serving !== deployed) {
    const seen = serving === void 0 ? "no steady version" : `version "${serving}"`;
    setFailed(
      `Which build ${target.name} serves cannot be told: it reports ${seen}; before the release it served ${previous ?? "an unknown version"}, the release brought ${deployed ?? "an unknown version"}. Check it, and if it is the new build, roll back: ${command}`
    );
    return;
  }
  const restored = await swapBackAndVerify(
    run,
    slot,
    target,
    previous,
    `The release ended before ${target.name} was proven`
  );
  const line = `The release ended before ${target.name} was proven, so the post step swapped back: ${target.name} serves ${restored ?? previous} again (${deployed} waits in ${slot.name}).`;
  warning(line, { title: "slot-release: swapped back after an unfinished release" });
  await summary.addRaw(
    `### slot-release: swapped back

${line}

Run the release again when it can finish its watch.
`
  ).write();
}
async function swapEnded(run, pending) {
  const result = await pollUntil(
    async () => {
      const target = await run.app.getSlot(pending.target);
      return target.lastSwapAt !== void 0 && target.lastSwapAt !== pending.lastSwapBefore ? { done: true, value: target } : { done: false, reason: "no completed swap since the release started one" };
    },
    {
      deadline: realClock.now() + SETTLE_MS,
      backoff: { initialMs: 1e3, maxMs: 5e3, factor: 1.5 },
      progressEveryMs: 15e3,
      onProgress: (elapsed) => info(`  waiting for the swap to end: ${formatDuration(elapsed)} so far`)
    }
  );
  return result.ok ? result.value : void 0;
}
async function steadyVersion(run, target) {
  const { inputs } = run;
  let last;
  for (let read = 0; read < 6; read++) {
    if (read > 0) await realClock.sleep(1e3);
    const now = await currentVersion(
      run.http,
      target.hostUrl,
      inputs.healthPath,
      inputs.requestTimeoutMs
    );
    if (read > 0 && now !== void 0 && now === last) return now;
    last = now;
  }
  return void 0;
}
export {
  finishUnprovenSwap
};

import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  createRecord,
  parseInputs,
  readRawInputs,
  writeMarkdown
} from "./chunk-GXXVXJGS.js";
import {
  connectAzure,
  resolveCloud,
  rollbackCommand,
  swapBackAndVerify
} from "./chunk-IRVQGAXI.js";
import {
  currentVersion,
  formatDuration,
  pollUntil,
  realClock,
  withGateRun
} from "./chunk-JXKPFM4L.js";
import {
  info,
  setFailed,
  warning
} from "./chunk-UUBOPBU4.js";
import "./chunk-EBA66YNJ.js";

// src/unfinished-swap.ts
var BUDGET_MS = 4 * 6e4;
var SWAP_BACK_RESERVE_MS = 9e4;
var VERIFY_MS = 3e4;
var STEADY_READS = { initialMs: 1e3, maxMs: 1e3, factor: 1 };
async function finishUnprovenSwap(pending) {
  const deadline = realClock.now() + BUDGET_MS;
  info(
    `The release ended before ${pending.target} was judged (last step: ${pending.phase}); checking which build ${pending.target} serves.`
  );
  const parsed = parseInputs(readRawInputs());
  const inputs = { ...parsed, readyTimeoutMs: Math.min(parsed.readyTimeoutMs, VERIFY_MS) };
  const cloud = await resolveCloud(inputs.cloud);
  await withGateRun(
    inputs,
    createRecord(inputs.mode),
    cloud.ca,
    (gateRun) => finish(connectAzure(gateRun, cloud), pending, deadline)
  );
}
async function finish(run, pending, deadline) {
  const command = rollbackCommand(run, pending.slot, pending.target);
  const { previous, deployed } = pending;
  if (pending.phase === "previewing") {
    await run.app.resetSlotConfig(pending.slot);
    info(`${pending.slot} has its own settings back; ${pending.target} was never swapped.`);
    return;
  }
  let slots;
  if (pending.phase !== "swapped") {
    const reserve = pending.phase === "swapping" ? SWAP_BACK_RESERVE_MS : VERIFY_MS;
    slots = await swapEnded(run, pending, deadline - reserve);
    if (!slots) {
      setFailed(
        `A swap between ${pending.slot} and ${pending.target} started by the release has not completed; it may still be running, or it may have failed. Check the app's Activity log ("Swap Web App Slots"). Once no swap runs, if ${pending.target} serves ${deployed ?? "the new build"}, roll back: ${command}`
      );
      return;
    }
  }
  if (previous !== void 0 && previous === deployed) {
    setFailed(
      `${pending.target} reported version "${previous}" both before and after the release, so the post step cannot tell the two builds apart. Check which build ${pending.target} serves; if it is the new one, roll back: ${command}`
    );
    return;
  }
  const { slot, target } = slots ?? await readSlots(run, pending);
  const serving = await steadyVersion(run, target.hostUrl, deadline - VERIFY_MS);
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
  const left = deadline - realClock.now() - VERIFY_MS;
  if (left < 1e4) {
    setFailed(
      `${target.name} serves ${deployed}, which did not finish its watch, and too little time is left to swap back safely. Roll back now: ${command}`
    );
    return;
  }
  const restored = await swapBackAndVerify(
    { ...run, inputs: { ...run.inputs, swapTimeoutMs: Math.min(run.inputs.swapTimeoutMs, left) } },
    slot,
    target,
    previous,
    `The release ended before ${target.name} was proven`
  );
  const line = `The release ended before ${target.name} was proven, so the post step swapped back: ${target.name} serves ${restored ?? previous} again (${deployed} waits in ${slot.name}).`;
  warning(line, { title: "slot-release: swapped back after an unfinished release" });
  await writeMarkdown(
    `### slot-release: swapped back

${line}

Run the release again when it can finish its watch.
`
  );
}
function readSlots(run, pending) {
  return Promise.all([run.app.getSlot(pending.slot), run.app.getSlot(pending.target)]).then(
    ([slot, target]) => ({ slot, target })
  );
}
async function swapEnded(run, pending, until) {
  const before = pending.lastSwapBefore;
  const result = await pollUntil(
    async () => {
      const now = await readSlots(run, pending);
      const moved = now.slot.lastSwapAt !== void 0 && now.slot.lastSwapAt !== before.slot || now.target.lastSwapAt !== void 0 && now.target.lastSwapAt !== before.target;
      return moved ? { done: true, value: now } : { done: false, reason: "no completed swap since the release started one" };
    },
    {
      deadline: until,
      backoff: { initialMs: 1e3, maxMs: 5e3, factor: 1.5 },
      progressEveryMs: 15e3,
      onProgress: (elapsed) => info(`  waiting for the swap to end: ${formatDuration(elapsed)} so far`)
    }
  );
  return result.ok ? result.value : void 0;
}
async function steadyVersion(run, url, until) {
  const { inputs } = run;
  let last;
  const result = await pollUntil(
    async (remainingMs) => {
      const timeout = Math.min(inputs.requestTimeoutMs, remainingMs);
      const now = await currentVersion(run.http, url, inputs.healthPath, timeout);
      const steady = now !== void 0 && now === last;
      last = now;
      return steady ? { done: true, value: now } : { done: false, reason: "not steady yet" };
    },
    { deadline: Math.min(until, realClock.now() + 3e4), backoff: STEADY_READS }
  );
  return result.ok ? result.value : void 0;
}
export {
  finishUnprovenSwap
};

import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  createRecord,
  parseInputs,
  readRawInputs
} from "./chunk-B5T62KAV.js";
import {
  connectAzure,
  lastSwapTimes,
  resolveCloud,
  rollbackCommand,
  swapBackAndVerify
} from "./chunk-JC73HBNJ.js";
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
var SWAP_BACK_RESERVE_MS = 9e4;
var VERIFY_MS = 3e4;
async function finishUnprovenSwap(pending) {
  const deadline = realClock.now() + BUDGET_MS;
  info(
    `The release ended before ${pending.target} was judged (last step: ${pending.phase}); checking which build ${pending.target} serves.`
  );
  const parsed = parseInputs(readRawInputs());
  const inputs = { ...parsed, readyTimeoutMs: Math.min(parsed.readyTimeoutMs, VERIFY_MS) };
  const record = createRecord(inputs.mode, randomBytes(16).toString("hex"));
  const cloud = await resolveCloud(inputs.cloud);
  await withGateRun(inputs, record, cloud.ca, async (gateRun) => {
    const run = connectAzure(gateRun, cloud);
    try {
      await finish(run, pending, deadline);
    } catch (error) {
      const hint = error instanceof SlotReleaseError && error.hint ? `
${error.hint}` : "";
      setFailed(`The post step could not finish the release: ${describeError(error)}${hint}`);
    }
  });
}
async function finish(run, pending, deadline) {
  const command = rollbackCommand(run, pending.slot, pending.target);
  const { previous, deployed } = pending;
  if (pending.phase === "previewing") {
    await run.app.resetSlotConfig(pending.slot);
    info(`${pending.slot} has its own settings back; ${pending.target} was never swapped.`);
    return;
  }
  if (pending.phase !== "swapped") {
    const reserve = pending.phase === "swapping" ? SWAP_BACK_RESERVE_MS : VERIFY_MS;
    const ended = await swapEnded(run, pending, deadline - reserve);
    if (!ended) {
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
  const [slot, target] = await Promise.all([
    run.app.getSlot(pending.slot),
    run.app.getSlot(pending.target)
  ]);
  const serving = await steadyVersion(run, target.hostUrl);
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
  await summary.addRaw(
    `### slot-release: swapped back

${line}

Run the release again when it can finish its watch.
`
  ).write().catch(
    (error) => warning(`Could not write the job summary: ${describeError(error)}`)
  );
}
async function swapEnded(run, pending, until) {
  const before = pending.lastSwapBefore;
  const result = await pollUntil(
    async () => {
      const now = await lastSwapTimes(run, pending.slot, pending.target);
      const moved = now.slot !== void 0 && now.slot !== before.slot || now.target !== void 0 && now.target !== before.target;
      return moved ? { done: true, value: true } : { done: false, reason: "no completed swap since the release started one" };
    },
    {
      deadline: until,
      backoff: { initialMs: 1e3, maxMs: 5e3, factor: 1.5 },
      progressEveryMs: 15e3,
      onProgress: (elapsed) => info(`  waiting for the swap to end: ${formatDuration(elapsed)} so far`)
    }
  );
  return result.ok;
}
async function steadyVersion(run, url) {
  const { inputs } = run;
  let last;
  for (let read = 0; read < 6; read++) {
    if (read > 0) await realClock.sleep(1e3);
    const now = await currentVersion(run.http, url, inputs.healthPath, inputs.requestTimeoutMs);
    if (read > 0 && now !== void 0 && now === last) return now;
    last = now;
  }
  return void 0;
}
export {
  finishUnprovenSwap
};

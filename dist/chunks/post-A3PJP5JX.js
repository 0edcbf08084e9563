import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  createRecord,
  parseInputs,
  readRawInputs
} from "./chunk-ZZZ6YWAM.js";
import {
  connectAzure,
  resolveCloud,
  rollbackCommand,
  swapBackAndVerify
} from "./chunk-Z2U7US7W.js";
import {
  currentVersion,
  describeError,
  info,
  setFailed,
  summary,
  warning,
  withGateRun
} from "./chunk-VSZO5I6Q.js";
import "./chunk-EBA66YNJ.js";

// src/post.ts
import { randomBytes } from "node:crypto";
async function post(pending) {
  info(
    `The release started swapping ${pending.slot} into ${pending.target} and ended before ${pending.target} was judged: checking which build it serves.`
  );
  try {
    const inputs = parseInputs(readRawInputs());
    const record = createRecord(inputs.mode, randomBytes(16).toString("hex"));
    const cloud = await resolveCloud(inputs.cloud);
    await withGateRun(inputs, record, cloud.ca, (run) => finish(connectAzure(run, cloud), pending));
  } catch (error) {
    setFailed(`The unfinished release could not be put back: ${describeError(error)}`);
  }
}
async function finish(run, pending) {
  const { inputs } = run;
  const [slot, target] = await Promise.all([
    run.app.getSlot(pending.slot),
    run.app.getSlot(pending.target)
  ]);
  const command = rollbackCommand(run, slot.name, target.name);
  const serving = await currentVersion(
    run.http,
    target.hostUrl,
    inputs.healthPath,
    inputs.requestTimeoutMs
  );
  const { previous, deployed } = pending;
  const known = previous !== void 0 && deployed !== void 0 && previous !== deployed;
  if (known && serving === previous) {
    info(
      `${target.name} serves ${previous}, the build from before the release: nothing to undo.`
    );
  } else if (known && serving === deployed) {
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
  } else {
    const seen = serving === void 0 ? "no version" : `version "${serving}"`;
    setFailed(
      `The release ended before ${target.name} was proven, and which build it serves cannot be told (it reports ${seen}; before the release: ${previous ?? "unknown"}, released: ${deployed ?? "unknown"}). Check it, and if it is the new build, roll back: ${command}`
    );
  }
}
export {
  post
};

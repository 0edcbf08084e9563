import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  survivesBackgroundFailures
} from "./chunks/chunk-FVMUS5HD.js";
import {
  readPendingSwap
} from "./chunks/chunk-JMTOLK4W.js";
import {
  SlotReleaseError,
  describeError,
  setFailed
} from "./chunks/chunk-D7JAGK2Q.js";
import "./chunks/chunk-EBA66YNJ.js";

// src/post.ts
survivesBackgroundFailures();
try {
  const pending = readPendingSwap();
  if (pending) {
    const { finishUnprovenSwap } = await import("./chunks/unfinished-swap-GL4B54TF.js");
    await finishUnprovenSwap(pending);
  }
} catch (error) {
  const hint = error instanceof SlotReleaseError && error.hint ? `
${error.hint}` : "";
  setFailed(`The post step could not check production: ${describeError(error)}${hint}`);
}

import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  survivesBackgroundFailures
} from "./chunks/chunk-XQ4SJ5EU.js";
import {
  readPendingSwap
} from "./chunks/chunk-ETRWRAHB.js";
import {
  describeWithHint,
  setFailed
} from "./chunks/chunk-UUBOPBU4.js";
import "./chunks/chunk-EBA66YNJ.js";

// src/post.ts
survivesBackgroundFailures();
try {
  const pending = readPendingSwap();
  if (pending) {
    const { finishUnprovenSwap } = await import("./chunks/unfinished-swap-PBVE6X3B.js");
    await finishUnprovenSwap(pending);
  }
} catch (error) {
  setFailed(`The post step could not finish the release: ${describeWithHint(error)}`);
}

import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  readPendingSwap
} from "./chunks/chunk-O3CRWSRE.js";
import {
  describeError,
  setFailed
} from "./chunks/chunk-D7JAGK2Q.js";
import "./chunks/chunk-EBA66YNJ.js";

// src/post.ts
var pending = readPendingSwap();
if (pending) {
  try {
    const { finishUnprovenSwap } = await import("./chunks/unfinished-swap-IKTII6FL.js");
    await finishUnprovenSwap(pending);
  } catch (error) {
    setFailed(`The post step could not check production: ${describeError(error)}`);
  }
}

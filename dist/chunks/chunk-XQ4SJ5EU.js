import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  debug,
  describeError,
  warning
} from "./chunk-UUBOPBU4.js";

// src/background.ts
function survivesBackgroundFailures() {
  process.on("unhandledRejection", (reason) => {
    warning(`A background task failed: ${describeError(reason)}`);
    if (reason instanceof Error && reason.stack) debug(reason.stack);
  });
}

export {
  survivesBackgroundFailures
};

import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  external_exports,
  getState,
  saveState,
  warning
} from "./chunk-D7JAGK2Q.js";

// src/pending-swap.ts
var PendingSwap = external_exports.object({
  /**
   * `swapping`: the swap into `target` was started and its end was not seen (it may still run
   * in Azure); `swapped`: it completed and the watch has not judged it; `swapping-back`: the
   * swap back was started and its end was not seen.
   */
  phase: external_exports.enum(["swapping", "swapped", "swapping-back"]),
  slot: external_exports.string(),
  target: external_exports.string(),
  /** What production served before the release. */
  previous: external_exports.string().optional(),
  /** What the release put into production. */
  deployed: external_exports.string().optional(),
  /** `target`'s slotSwapStatus time before the latest swap started: a newer one means it ended. */
  lastSwapBefore: external_exports.string().optional()
});
var KEY = "pending-swap";
function savePendingSwap(pending) {
  saveState(KEY, JSON.stringify(pending));
}
function clearPendingSwap() {
  saveState(KEY, "");
}
function readPendingSwap() {
  const text = getState(KEY);
  if (!text) return void 0;
  try {
    return PendingSwap.parse(JSON.parse(text));
  } catch {
    warning(`The saved state of the swap cannot be read (${text.slice(0, 200)}).`);
    return void 0;
  }
}

export {
  savePendingSwap,
  clearPendingSwap,
  readPendingSwap
};

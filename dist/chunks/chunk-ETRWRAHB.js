import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import {
  SlotReleaseError,
  external_exports,
  getState,
  saveState
} from "./chunk-UUBOPBU4.js";

// src/pending-swap.ts
var PendingSwap = external_exports.object({
  /**
   * `previewing`: production's settings were applied to the slot (swap with preview) and
   * nothing was swapped yet; `swapping`: the swap into `target` was started and its end was not
   * seen (it may still run in Azure); `swapped`: it completed and the watch has not judged it;
   * `swapping-back`: the swap back was started and its end was not seen.
   */
  phase: external_exports.enum(["previewing", "swapping", "swapped", "swapping-back"]),
  slot: external_exports.string(),
  target: external_exports.string(),
  /** What production served before the release. */
  previous: external_exports.string().optional(),
  /** What the release put into production. */
  deployed: external_exports.string().optional(),
  /**
   * Both slots' slotSwapStatus times before the latest swap started: a change on either means
   * a swap between them has ended since.
   */
  lastSwapBefore: external_exports.object({ slot: external_exports.string().optional(), target: external_exports.string().optional() })
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
  } catch (error) {
    throw new SlotReleaseError(
      `The state the release saved for this step cannot be read (${text.slice(0, 200)}), so production may serve a build that did not finish its gates.`,
      {
        cause: error,
        hint: "Check which build production serves and roll back by hand if needed."
      }
    );
  }
}

export {
  savePendingSwap,
  clearPendingSwap,
  readPendingSwap
};

// Slot swap as App Service documents it: phase 1 applies the target's sticky settings to the source
// and restarts it, warm-up must pass within a bound, then routing flips (runtimes trade places) and
// the former target content gets the source's sticky settings. Preview stops after phase 1.
import type { Context } from './context.ts';
import { assignConfig, combineConfig, configOf, splitConfig } from './model.ts';
import type { Site, Slot, SlotConfig } from './model.ts';
import { armFailure, envFor, findSlot } from './slots.ts';

function slotOrThrow(site: Site, name: string): Slot {
  const slot = findSlot(site, name);
  if (!slot)
    throw armFailure(404, 'ResourceNotFound', `Cannot find slot '${name}' of site '${site.name}'.`);
  return slot;
}

/** What the source runs with while it is warmed up to become the target. */
function phaseOneConfig(site: Site, source: Slot, target: Slot): SlotConfig {
  return combineConfig(
    splitConfig(site, configOf(source)).moving,
    splitConfig(site, configOf(target)).sticky,
  );
}

async function warmUp(ctx: Context, source: Slot): Promise<void> {
  const path = source.appSettings.WEBSITE_SWAP_WARMUP_PING_PATH || '/';
  const statuses = (source.appSettings.WEBSITE_SWAP_WARMUP_PING_STATUSES ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  // Nothing deployed: the platform placeholder answers, and any answer counts.
  if (!source.runtime.content) return;
  const deadline = Date.now() + ctx.timings.swapWarmupTimeoutMs;
  let last = 'no response';
  while (Date.now() < deadline) {
    const answer = await source.runtime.probe(
      path,
      Math.max(100, Math.min(5000, deadline - Date.now())),
    );
    if (answer) {
      if (statuses.length === 0 || statuses.includes(answer.status)) return;
      last = `status ${answer.status}`;
      // A status outside WEBSITE_SWAP_WARMUP_PING_STATUSES stops the swap at once.
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw armFailure(
    409,
    'SwapWarmupFailed',
    `Cannot swap slots because the application initialization in '${source.name}' slot either took too long or failed (${path}: ${last}).`,
  );
}

async function revertSource(ctx: Context, site: Site, source: Slot, config: SlotConfig) {
  assignConfig(source, config);
  await source.runtime.start(envFor(site, source.name, source, config));
  ctx.log(`swap ${site.name}: reverted ${source.name}`);
}

async function phaseOne(ctx: Context, site: Site, source: Slot, target: Slot): Promise<void> {
  const before = configOf(source);
  const applied = phaseOneConfig(site, source, target);
  assignConfig(source, applied);
  await source.runtime.start(envFor(site, target.name, target, applied));
  try {
    if (ctx.faults.takeSwap(site.name, 1)) {
      throw armFailure(
        500,
        'SwapFailed',
        `Injected fault: swap of '${source.name}' failed in phase 1.`,
      );
    }
    await warmUp(ctx, source);
  } catch (err) {
    await revertSource(ctx, site, source, before);
    throw err;
  }
}

export async function swapSlots(
  ctx: Context,
  site: Site,
  sourceName: string,
  targetName: string,
  mode: 'swap' | 'preview',
): Promise<void> {
  const source = slotOrThrow(site, sourceName);
  const target = slotOrThrow(site, targetName);
  if (source === target) throw armFailure(400, 'BadRequest', 'Source and target slot must differ.');
  const pending = site.preview;
  const samePair =
    pending &&
    ((pending.source === source.name && pending.target === target.name) ||
      (pending.source === target.name && pending.target === source.name));
  if (pending && !samePair) {
    throw armFailure(
      409,
      'Conflict',
      `A swap with preview between '${pending.source}' and '${pending.target}' is pending.`,
    );
  }
  // A completed preview keeps its own direction: the previewed slot is the source.
  const from = samePair ? slotOrThrow(site, pending.source) : source;
  const to = samePair ? slotOrThrow(site, pending.target) : target;
  const sourceBefore = samePair ? pending.sourceConfigBefore : configOf(from);
  const targetBefore = configOf(to);
  if (mode === 'preview') {
    if (samePair) return;
    await phaseOne(ctx, site, from, to);
    site.preview = { source: from.name, target: to.name, sourceConfigBefore: sourceBefore };
    ctx.log(`swap ${site.name}: preview ${from.name} -> ${to.name} applied`);
    return;
  }
  if (!samePair) await phaseOne(ctx, site, from, to);
  if (ctx.faults.takeSwap(site.name, 2)) {
    await revertSource(ctx, site, from, sourceBefore);
    site.preview = null;
    throw armFailure(
      500,
      'SwapFailed',
      `Injected fault: swap of '${from.name}' failed in phase 2.`,
    );
  }
  // Routing flips: the warmed source content now answers on the target, and vice versa.
  const warmed = from.runtime;
  from.runtime = to.runtime;
  to.runtime = warmed;
  assignConfig(
    to,
    combineConfig(splitConfig(site, sourceBefore).moving, splitConfig(site, targetBefore).sticky),
  );
  assignConfig(
    from,
    combineConfig(splitConfig(site, targetBefore).moving, splitConfig(site, sourceBefore).sticky),
  );
  site.preview = null;
  // Both sites of the swap report it; other slots of the app keep their own.
  from.lastSwap = to.lastSwap = {
    timestampUtc: new Date().toISOString(),
    sourceSlotName: from.name,
    destinationSlotName: to.name,
  };
  ctx.log(`swap ${site.name}: ${from.name} <-> ${to.name} routed; restarting ${from.name}`);
  await from.runtime.start(envFor(site, from.name, from, configOf(from)));
}

/** Cancels a pending swap with preview: the source gets its own settings back and restarts. */
export async function resetPreview(ctx: Context, site: Site): Promise<void> {
  const pending = site.preview;
  if (!pending) return;
  const source = slotOrThrow(site, pending.source);
  site.preview = null;
  await revertSource(ctx, site, source, pending.sourceConfigBefore);
}

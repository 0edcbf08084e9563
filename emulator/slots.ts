// Slot-level actions shared by ARM, Kudu, swap and the admin API.
import type { Context } from './context.ts';
import { PRODUCTION, hostOf, runtimeEnv } from './model.ts';
import { configOf, type Site, type Slot, type SlotConfig } from './model.ts';
import { baseEnv } from './runtime.ts';

/** An error that maps onto ARM's envelope. */
export type ArmFailure = Error & { status: number; code: string };

export function armFailure(status: number, code: string, message: string): ArmFailure {
  return Object.assign(new Error(message), { status, code });
}

export function isArmFailure(err: unknown): err is ArmFailure {
  return err instanceof Error && typeof (err as ArmFailure).status === 'number';
}

export function findSite(ctx: Context, sub: string, rg: string, name: string): Site | undefined {
  return ctx.sites.find(
    (s) =>
      s.subscriptionId.toLowerCase() === sub.toLowerCase() &&
      s.resourceGroup.toLowerCase() === rg.toLowerCase() &&
      s.name.toLowerCase() === name.toLowerCase(),
  );
}

export function findSlot(site: Site, name: string | undefined): Slot | undefined {
  return site.slots.get((name ?? PRODUCTION).toLowerCase());
}

/** Resolves an app (default: the first one) and slot for the programmatic/admin APIs. */
export function resolveSlot(
  ctx: Context,
  app: string | undefined,
  slot: string,
): { site: Site; slot: Slot } {
  const site = app
    ? ctx.sites.find((s) => s.name.toLowerCase() === app.toLowerCase())
    : ctx.sites[0];
  if (!site) throw armFailure(404, 'ResourceNotFound', `App '${app}' not found.`);
  const found = findSlot(site, slot);
  if (!found)
    throw armFailure(404, 'ResourceNotFound', `Slot '${slot}' of '${site.name}' not found.`);
  return { site, slot: found };
}

export function envFor(site: Site, slotName: string, slot: Slot, config: SlotConfig) {
  return runtimeEnv(site, slotName, baseEnv(), config, hostOf(slot.appPort));
}

/** Restarts what the slot serves with the slot's current settings (no-op when nothing is deployed). */
export async function restartSlot(ctx: Context, site: Site, slot: Slot): Promise<void> {
  ctx.log(`restart ${site.name}/${slot.name}`);
  if (!slot.enabled) return slot.runtime.stop();
  await slot.runtime.start(envFor(site, slot.name, slot, configOf(slot)));
}

export function assertWritable(site: Site, slot: Slot | undefined): void {
  if (site.busy) {
    throw armFailure(
      409,
      'Conflict',
      `Cannot modify this site because another operation is in progress. Details: Id: ${site.name}, OperationName: ${site.busy}`,
    );
  }
  if (
    site.preview &&
    slot &&
    (slot.name === site.preview.source || slot.name === site.preview.target)
  ) {
    throw armFailure(
      409,
      'Conflict',
      'The slot cannot be changed because its configuration settings have been prepared for swap.',
    );
  }
}

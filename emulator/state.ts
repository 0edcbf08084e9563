// A read-only picture of what every slot serves, for tests and GET /_emulator/state.
import type { Context } from './context.ts';
import { PRODUCTION, hostOf } from './model.ts';
import type { Slot, SwapStatus } from './model.ts';
import type { ProcessState } from './runtime.ts';

export type SlotState = {
  name: string;
  hostUrl: string;
  scmUrl: string;
  deploymentId: string | null;
  /** What /healthz of the running process reports, or null (nothing deployed, down, frozen). */
  version: string | null;
  processState: ProcessState;
  /** Changes when a swap moves content between slots. */
  runtimeId: number;
  /** Names only: values can be secrets. */
  appSettings: string[];
};

export type AppState = {
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  slotSettingNames: string[];
  pendingPreview: { source: string; target: string } | null;
  /** The app's last successful swap, from its slots' slotSwapStatus. */
  lastSwap: SwapStatus | null;
  production: SlotState;
  slots: Record<string, SlotState>;
};

export type EmulatorState = {
  apps: AppState[];
  /** Shortcuts to the first app. */
  production: SlotState;
  slots: Record<string, SlotState>;
};

async function slotState(slot: Slot): Promise<SlotState> {
  const runtime = slot.runtime;
  let version: string | null = null;
  const answer = await runtime.probe('/healthz', 3000);
  if (answer && answer.status >= 200 && answer.status < 300) {
    try {
      const body = JSON.parse(answer.body) as { version?: unknown };
      version = typeof body.version === 'string' ? body.version : null;
    } catch {
      version = null;
    }
  }
  return {
    name: slot.name,
    hostUrl: `https://${hostOf(slot.appPort)}`,
    scmUrl: `https://${hostOf(slot.scmPort)}`,
    deploymentId: runtime.content?.deploymentId ?? null,
    version,
    processState: runtime.state(),
    runtimeId: runtime.id,
    appSettings: Object.keys(slot.appSettings).sort(),
  };
}

export async function collectState(ctx: Context): Promise<EmulatorState> {
  const apps = await Promise.all(
    ctx.sites.map(async (site): Promise<AppState> => {
      const entries = await Promise.all(
        [...site.slots.values()].map(async (slot) => [slot.name, await slotState(slot)] as const),
      );
      const slots = Object.fromEntries(entries);
      return {
        name: site.name,
        subscriptionId: site.subscriptionId,
        resourceGroup: site.resourceGroup,
        slotSettingNames: [...site.slotConfigNames.appSettingNames],
        pendingPreview: site.preview
          ? { source: site.preview.source, target: site.preview.target }
          : null,
        lastSwap:
          [...site.slots.values()]
            .map((slot) => slot.lastSwap)
            .filter((swap) => swap !== null)
            .sort((a, b) => a.timestampUtc.localeCompare(b.timestampUtc))
            .at(-1) ?? null,
        production: slots[PRODUCTION]!,
        slots,
      };
    }),
  );
  return { apps, production: apps[0]!.production, slots: apps[0]!.slots };
}

// The test/rehearsal control plane under /_emulator/. The action never calls these routes.
import { z } from 'zod';
import {
  deploymentFaultSchema,
  requestFaultSchema,
  slotRefSchema,
  swapFaultSchema,
} from './faults.ts';
import type { FaultApi } from './faults.ts';
import { readJson, sendJson } from './http.ts';
import type { Req, Res } from './http.ts';
import { isArmFailure } from './slots.ts';
import type { EmulatorState } from './state.ts';

export type AdminApi = {
  /** What every slot serves right now (asks each running process for /healthz). */
  state(): Promise<EmulatorState>;
  faults: FaultApi;
  /** Changes a slot's app settings without ARM (merge `set`, drop `remove`), then restarts it. */
  setAppSettings(input: {
    app?: string;
    slot: string;
    set?: Record<string, string>;
    remove?: string[];
    restart?: boolean;
  }): Promise<void>;
};

const appSettingsSchema = z.object({
  app: z.string().optional(),
  slot: z.string(),
  set: z.record(z.string(), z.string()).optional(),
  remove: z.array(z.string()).optional(),
  restart: z.boolean().optional(),
});

export async function handleAdmin(api: AdminApi, req: Req, res: Res, url: URL): Promise<void> {
  const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
  try {
    switch (route) {
      case 'GET /_emulator/state':
        return sendJson(res, 200, await api.state());
      case 'GET /_emulator/faults':
        return sendJson(res, 200, api.faults.list());
      case 'DELETE /_emulator/faults':
        api.faults.clear();
        return sendJson(res, 200, { cleared: true });
      case 'POST /_emulator/faults':
        api.faults.add(requestFaultSchema.parse(await readJson(req)));
        return sendJson(res, 201, api.faults.list());
      case 'POST /_emulator/faults/deployment':
        api.faults.failNextDeployment(deploymentFaultSchema.parse(await readJson(req)));
        return sendJson(res, 201, api.faults.list());
      case 'POST /_emulator/faults/swap':
        api.faults.failNextSwap(swapFaultSchema.parse(await readJson(req)));
        return sendJson(res, 201, api.faults.list());
      case 'POST /_emulator/faults/crash':
        api.faults.crashSlot(slotRefSchema.parse(await readJson(req)));
        return sendJson(res, 200, { crashed: true });
      case 'POST /_emulator/faults/freeze':
        api.faults.freezeSlot(slotRefSchema.parse(await readJson(req)));
        return sendJson(res, 200, { frozen: true });
      case 'POST /_emulator/appsettings':
        await api.setAppSettings(appSettingsSchema.parse(await readJson(req)));
        return sendJson(res, 200, { updated: true });
    }
    req.resume();
    sendJson(res, 404, { error: `no admin route ${route}` });
  } catch (err) {
    if (err instanceof z.ZodError)
      return sendJson(res, 400, { error: 'invalid body', issues: err.issues });
    if (isArmFailure(err)) return sendJson(res, err.status, { error: err.message });
    throw err;
  }
}

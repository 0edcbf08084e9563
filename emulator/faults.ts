// Injected failures, shared by the programmatic API and POST /_emulator/faults.
import { z } from 'zod';

export const requestFaultSchema = z.object({
  target: z.enum(['arm', 'kudu', 'entra']),
  match: z.string().optional(),
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]).optional(),
  hang: z.boolean().optional(),
  count: z.number().int().positive(),
  retryAfterSeconds: z.number().nonnegative().optional(),
});
export type RequestFault = z.infer<typeof requestFaultSchema>;

export const deploymentFaultSchema = z.object({
  app: z.string().optional(),
  slot: z.string(),
  mode: z.enum(['fail', 'never-complete']),
});
export type DeploymentFault = z.infer<typeof deploymentFaultSchema>;

export const swapFaultSchema = z.object({
  app: z.string().optional(),
  phase: z.union([z.literal(1), z.literal(2)]),
});
export type SwapFault = z.infer<typeof swapFaultSchema>;

export const slotRefSchema = z.object({ app: z.string().optional(), slot: z.string() });
export type SlotRef = z.infer<typeof slotRefSchema>;

export type FaultApi = {
  add(fault: RequestFault): void;
  failNextDeployment(fault: DeploymentFault): void;
  failNextSwap(fault: SwapFault): void;
  crashSlot(ref: SlotRef): void;
  freezeSlot(ref: SlotRef): void;
  /** Removes every pending fault, thaws frozen slots and releases never-completing deployments. */
  clear(): void;
  list(): { requests: RequestFault[]; deployments: DeploymentFault[]; swaps: SwapFault[] };
};

export type FaultBook = {
  requests: RequestFault[];
  deployments: DeploymentFault[];
  swaps: SwapFault[];
  /** Consumes one matching request fault, if any. */
  takeRequest(target: RequestFault['target'], methodAndPath: string): RequestFault | undefined;
  takeDeployment(app: string, slot: string): DeploymentFault | undefined;
  takeSwap(app: string, phase: 1 | 2): SwapFault | undefined;
};

export function createFaultBook(): FaultBook {
  const book: FaultBook = {
    requests: [],
    deployments: [],
    swaps: [],
    takeRequest(target, methodAndPath) {
      const lower = methodAndPath.toLowerCase();
      const fault = book.requests.find(
        (f) => f.target === target && (!f.match || lower.includes(f.match.toLowerCase())),
      );
      if (!fault) return undefined;
      fault.count -= 1;
      if (fault.count <= 0) book.requests.splice(book.requests.indexOf(fault), 1);
      return fault;
    },
    takeDeployment(app, slot) {
      const i = book.deployments.findIndex(
        (f) => (!f.app || f.app === app) && f.slot.toLowerCase() === slot.toLowerCase(),
      );
      return i < 0 ? undefined : book.deployments.splice(i, 1)[0];
    },
    takeSwap(app, phase) {
      const i = book.swaps.findIndex((f) => (!f.app || f.app === app) && f.phase === phase);
      return i < 0 ? undefined : book.swaps.splice(i, 1)[0];
    },
  };
  return book;
}

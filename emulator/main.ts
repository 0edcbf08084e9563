// `npm run emulator` — runs the emulator until SIGINT/SIGTERM and prints the cloud JSON at start.
// Flags: --port N --slot-port-base N --token-lifetime S --assertion-lifetime S --work-dir DIR
//        --app NAME --resource-group RG --slots a,b --sticky A,B --lro-poll-ms N --warmup-timeout-ms N
//        --fault JSON (repeatable; a request fault, e.g. '{"target":"arm","match":"slotsswap","status":429,"count":2}')
//        --fail-deployment SLOT:fail|never-complete (repeatable)  --fail-swap 1|2 (repeatable)
//        --quiet
import { parseArgs } from 'node:util';
import { deploymentFaultSchema, requestFaultSchema, swapFaultSchema } from './faults.ts';
import { startEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    'slot-port-base': { type: 'string' },
    'token-lifetime': { type: 'string' },
    'assertion-lifetime': { type: 'string' },
    'work-dir': { type: 'string' },
    app: { type: 'string', default: 'app-demo' },
    'resource-group': { type: 'string', default: 'rg-demo' },
    slots: { type: 'string', default: 'staging' },
    sticky: { type: 'string' },
    'lro-poll-ms': { type: 'string' },
    'warmup-timeout-ms': { type: 'string' },
    fault: { type: 'string', multiple: true },
    'fail-deployment': { type: 'string', multiple: true },
    'fail-swap': { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
  },
});

const num = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : Number(v);
const list = (v: string | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const emulator = await startEmulator({
  port: Number(values.port),
  slotPortBase: num(values['slot-port-base']),
  tokenLifetimeSeconds: num(values['token-lifetime']),
  assertionLifetimeSeconds: num(values['assertion-lifetime']),
  workDir: values['work-dir'],
  apps: [
    {
      name: values.app,
      resourceGroup: values['resource-group'],
      slots: list(values.slots),
      slotSettingNames: list(values.sticky),
    },
  ],
  timings: {
    ...(values['lro-poll-ms'] ? { lroPollMs: Number(values['lro-poll-ms']) } : {}),
    ...(values['warmup-timeout-ms']
      ? { swapWarmupTimeoutMs: Number(values['warmup-timeout-ms']) }
      : {}),
  },
  log: values.quiet ? undefined : (line) => console.error(`[emulator] ${line}`),
});
for (const fault of values.fault ?? [])
  emulator.faults.add(requestFaultSchema.parse(JSON.parse(fault)));
for (const spec of values['fail-deployment'] ?? []) {
  const [slot, mode] = spec.split(':');
  emulator.faults.failNextDeployment(deploymentFaultSchema.parse({ slot, mode: mode ?? 'fail' }));
}
for (const phase of values['fail-swap'] ?? []) {
  emulator.faults.failNextSwap(swapFaultSchema.parse({ phase: Number(phase) }));
}

// stdout carries only the cloud JSON (plus the client secrets a local session needs), so it can be
// piped or captured; logs go to stderr.
console.log(
  JSON.stringify(
    {
      ...emulator.cloud,
      cloudFile: emulator.cloudFile,
      credentials: emulator.credentials,
      githubOidc: emulator.githubOidc,
    },
    null,
    2,
  ),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`[emulator] ${signal}: stopping`);
    emulator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
}

// The action's main step (action.yml `main:`).
import { survivesBackgroundFailures } from './background.ts';
import { onCancel } from './cancel.ts';
import { run } from './main.ts';

survivesBackgroundFailures();
await run({ signal: onCancel() });

import type { AzureRun } from './modes/azure.ts';
import { GateFailure, skipStage, stage } from './stage.ts';

/**
 * Names of the app settings that a swap would carry from `source` into `target`: those whose
 * values differ (or exist on one side only) and that are not slot settings. Values are
 * compared, never returned.
 */
export function settingsThatMove(
  source: Record<string, string>,
  target: Record<string, string>,
  stickyNames: readonly string[],
): string[] {
  const sticky = new Set(stickyNames.map((n) => n.toLowerCase()));
  const names = new Set([...Object.keys(source), ...Object.keys(target)]);
  return [...names].filter((n) => !sticky.has(n.toLowerCase()) && source[n] !== target[n]).sort();
}

/** The sticky-settings audit before a swap, under the `settings-drift` policy. */
export async function settingsStage(run: AzureRun, source: string, target: string): Promise<void> {
  const policy = run.inputs.settingsDrift;
  const name = `settings (${source} → ${target})`;
  if (policy === 'off') return skipStage(run.record, name, 'settings-drift is off');
  await stage(run.record, name, async () => {
    const [from, to, fromStrings, toStrings, sticky] = await Promise.all([
      run.app.listAppSettings(source),
      run.app.listAppSettings(target),
      run.app.listConnectionStrings(source),
      run.app.listConnectionStrings(target),
      run.app.listStickyNames(),
    ]);
    // Connection strings travel with a swap exactly like app settings, and matter more.
    const moving = [
      ...settingsThatMove(from, to, sticky.appSettingNames),
      ...settingsThatMove(fromStrings, toStrings, sticky.connectionStringNames).map(
        (name) => `${name} (connection string)`,
      ),
    ];
    const stickyNames = [...sticky.appSettingNames, ...sticky.connectionStringNames];
    run.record.settingsDrift = { policy, names: moving, stickyNames };
    const evidence = { moving, sticky: stickyNames };
    if (moving.length === 0) {
      return {
        value: undefined,
        summary: 'no app setting or connection string would move with the swap',
        evidence,
      };
    }
    const list = moving.join(', ');
    const why = `${moving.length} setting${moving.length === 1 ? '' : 's'} differ between ${source} and ${target} and are not slot settings, so the swap would carry them into ${target}: ${list}`;
    if (policy === 'fail') {
      throw new GateFailure(why, {
        evidence,
        hint: `Mark them as deployment slot settings (sticky), make the values equal, or set settings-drift: warn.`,
      });
    }
    return { value: undefined, summary: why, evidence, status: 'warned' };
  });
}

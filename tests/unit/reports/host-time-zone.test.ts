// Unit test: before the wizard stores a time zone, the settings the UI shows and the zone schedules and reports use
// are the same — the host's (TZ), not UTC for one and the host's for the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function zonesUnder(tz: string): { shown: string; used: string } {
  const script = `
    const { DEFAULT_SYSTEM } = await import('./appliance/src/services/settings.service.ts');
    const { applianceTimeZone } = await import('./appliance/src/reports/report.settings.ts');
    process.stdout.write(JSON.stringify({ shown: DEFAULT_SYSTEM.timezone, used: applianceTimeZone({ get: () => undefined }) }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
  return JSON.parse(out) as { shown: string; used: string };
}

test('the default time zone is the host zone, the same for the settings page and the schedules', () => {
  assert.deepEqual(zonesUnder('Asia/Shanghai'), { shown: 'Asia/Shanghai', used: 'Asia/Shanghai' });
  assert.deepEqual(zonesUnder('Europe/Berlin'), { shown: 'Europe/Berlin', used: 'Europe/Berlin' });
  const unknown = zonesUnder('Not/AZone');
  assert.equal(unknown.shown, unknown.used);
});

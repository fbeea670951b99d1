// Boot configuration: embedded defaults, X_FILE secrets, and every problem listed at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../appliance/src/config/app.config.ts';

test('defaults of a checkout: ./data, HTTPS 8443, HTTP redirect 8080', () => {
  const c = loadConfig({}, '/srv/radar');
  assert.equal(c.dataDir, '/srv/radar/data');
  assert.equal(c.httpsPort, 8443);
  assert.equal(c.httpPort, 8080);
  assert.equal(c.uiDir, '/srv/radar/ui/dist');
});

test('X_FILE reads the value from a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
  try {
    writeFileSync(join(dir, 'port'), '9443\n');
    assert.equal(loadConfig({ API_RADAR_HTTPS_PORT_FILE: join(dir, 'port') }, '/').httpsPort, 9443);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('all problems are reported together', () => {
  assert.throws(
    () => loadConfig({ API_RADAR_HTTPS_PORT: 'abc', API_RADAR_HTTP_PORT: '70000', API_RADAR_CAPTURE_INTERFACE: 'eth0; rm -rf', API_RADAR_PUBLIC_URL: 'http://x' }, '/'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 4, err.message);
      return true;
    },
  );
});

// Integration tests of the running service's health, metrics and API document: the health snapshot, /metrics behind
// a rotating bearer token, and the OpenAPI 3.1 document that lists every route and is valid for a well-kept parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { validate, compileErrors } from '@readme/openapi-parser';
import { apiRoutes } from '../../../appliance/src/server/app.factory.ts';
import { adminClient, withService } from './service.harness.ts';

function getMetrics(port: number, ca: Buffer, token?: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    request({ host: 'localhost', port, path: '/metrics', headers, ca }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    })
      .on('error', reject)
      .end();
  });
}

test('health snapshot and Prometheus metrics behind a rotating token', async () => {
  await withService(async (svc, dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const h = (await admin.call('GET', '/api/v1/system/health')).json as { health: { disk: { totalBytes: number; freeBytes: number }; capture: { state: string }; callLog: { written: number }; problems: unknown[] } };
    assert.ok(h.health.disk.totalBytes > 0 && h.health.disk.freeBytes > 0);
    assert.equal(h.health.capture.state, 'stopped');
    assert.ok(Array.isArray(h.health.problems));

    const ca = readFileSync(join(dir, 'tls', 'cert.pem'));
    assert.equal((await getMetrics(svc.httpsPort, ca)).status, 401, 'no token yet');
    const first = ((await admin.call('POST', '/api/v1/settings/metrics-token')).json as { token: string }).token;
    const m = await getMetrics(svc.httpsPort, ca, first);
    assert.equal(m.status, 200);
    assert.match(m.type, /text\/plain/);
    assert.match(m.body, /^apiradar_capture_up 0$/m);
    assert.match(m.body, /^apiradar_disk_free_bytes \d+/m);
    assert.match(m.body, /^apiradar_process_resident_memory_bytes \d+/m);
    const second = ((await admin.call('POST', '/api/v1/settings/metrics-token')).json as { token: string }).token;
    assert.notEqual(second, first);
    assert.equal((await getMetrics(svc.httpsPort, ca, first)).status, 401, 'the old token stops working');
    assert.equal((await getMetrics(svc.httpsPort, ca, second)).status, 200);
    assert.equal((await getMetrics(svc.httpsPort, ca, 'x'.repeat(30))).status, 401);
  });
});

test('the API document lists every route and is valid OpenAPI 3.1', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const doc = (await admin.call('GET', '/api/v1/openapi.json')).json as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    assert.equal(doc.openapi, '3.1.0');
    for (const r of apiRoutes(svc.services)) {
      const p = `/api/v1${r.path.replace(/:(\w+)/g, '{$1}')}`;
      assert.ok(doc.paths[p]?.[r.method] !== undefined, `${r.method} ${p} documented`);
      if (r.body !== undefined) assert.ok(doc.paths[p][r.method].requestBody !== undefined, `${r.method} ${p} has its body schema`);
    }
    const result = await validate(structuredClone(doc) as never);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
  });
});

test('an uploaded certificate is checked, stored and served without a restart', async () => {
  await withService(async (svc, dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const before = ((await admin.call('GET', '/api/v1/settings/tls')).json as { certificate: { subject: string; selfSigned: boolean } }).certificate;
    assert.match(before.subject, /CN=api-radar/);
    assert.equal(before.selfSigned, true);
    const work = join(dir, 'newcert');
    mkdirSync(work);
    const gen = (name: string, cn: string): void => {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30', '-subj', `/CN=${cn}`,
        '-addext', 'subjectAltName=DNS:localhost', '-keyout', join(work, `${name}.key`), '-out', join(work, `${name}.crt`)], { stdio: 'pipe' });
    };
    gen('a', 'radar.bank.example');
    gen('b', 'other.example');
    const certA = readFileSync(join(work, 'a.crt'), 'utf8');
    const keyA = readFileSync(join(work, 'a.key'), 'utf8');
    const keyB = readFileSync(join(work, 'b.key'), 'utf8');
    const mismatch = await admin.call('PUT', '/api/v1/settings/tls', { certificate: certA, privateKey: keyB });
    assert.equal(mismatch.status, 400);
    assert.match(JSON.stringify(mismatch.json), /does not belong/);
    const junk = await admin.call('PUT', '/api/v1/settings/tls', { certificate: 'x'.repeat(100), privateKey: keyA });
    assert.equal(junk.status, 400);
    const ok = await admin.call('PUT', '/api/v1/settings/tls', { certificate: certA, privateKey: keyA });
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    // New connections get the new certificate at once.
    const served = await new Promise<string>((resolve, reject) => {
      const req = request({ host: 'localhost', port: svc.httpsPort, path: '/api/v1/health', ca: Buffer.from(certA) }, (res) => {
        resolve(String((res.socket as TLSSocket).getPeerCertificate().subject.CN));
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(served, 'radar.bank.example');
    assert.equal(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'), certA, 'kept for the next start');
    assert.ok(svc.services.audit.list(10).some((e) => e.action === 'settings.tls'));
  });
});

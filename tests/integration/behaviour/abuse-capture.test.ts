// Integration test: generated abuse traffic (a real pcap) through the offline analysis; every abuse pattern is found
// on the right client, no normal client is flagged, and clients, exposure findings and endpoint risk are filled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAbuseScore } from '../../../scripts/score/abuse.score.ts';

for (const seed of [1, 7]) {
  test(`abuse scenario seed ${seed}: every pattern on the right client, no normal client flagged`, async () => {
    const { score, report, gen } = await runAbuseScore(seed);
    assert.deepEqual(score.missed, [], 'missed patterns');
    assert.deepEqual(score.falsePositives, [], 'normal clients flagged');
    assert.equal(score.detected, gen.groundTruth.length);
    assert.ok(gen.normalClients.length >= 16);

    const bola = report.findings.find((f) => f.type === 'enumeration' && f.client === '203.0.113.13');
    assert.match(bola!.evidence, /^ip:203\.0\.113\.13: identity sub:mallory fetched \d+ of \d+ distinct object ids .*passive BOLA/);
    const bf = report.findings.find((f) => f.type === 'brute_force');
    assert.equal(bf?.severity, 'critical', 'the final successful guess makes brute force critical');
    assert.ok(!JSON.stringify(report.findings).includes('cust1003'), 'usernames are masked in evidence');

    const plaintext = report.findings.find((f) => f.type === 'plaintext_credentials');
    assert.equal(plaintext?.path, '/api/v1/auth/login');
    assert.equal(plaintext?.client, '');

    const mallory = report.clients.find((c) => c.ip === '203.0.113.13');
    assert.deepEqual(mallory?.identities, ['sub:mallory']);
    const login = report.endpoints.find((e) => e.path === '/api/v1/auth/login');
    assert.ok(login !== undefined && login.risk >= 25, `login endpoint risk ${login?.risk}`);
    for (const e of report.endpoints) assert.ok(e.risk >= 0 && e.risk <= 100);
  });
}

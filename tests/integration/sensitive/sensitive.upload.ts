// Shared by the sensitive integration tests: uploads a capture through the running service and waits for its analysis.
import assert from 'node:assert/strict';
import type { Client } from '../server/service.harness.ts';

/** Uploads `pcap` as `name` and waits (up to 30 s) until its analysis is no longer running. */
export async function analyse(admin: Client, pcap: Buffer, name: string): Promise<void> {
  const id = ((await admin.call('POST', `/api/v1/captures?name=${name}`, undefined, { raw: pcap })).json as { run: { id: number } }).run.id;
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    if (((await admin.call('GET', `/api/v1/captures/${id}`)).json as { run: { status: string } }).run.status !== 'running') return;
  }
  assert.fail('the analysis did not finish');
}

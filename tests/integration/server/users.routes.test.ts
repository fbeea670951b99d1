// Users and roles through the API: an admin changes another user's role and removes users; the change ends that
// user's sessions at once, is audited, and the last administrator can be neither demoted nor removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, adminClient, withService, type Answer } from './service.harness.ts';

interface UserRow {
  id: number;
  username: string;
  role: string;
}

const code = (a: Answer): string => (a.json as { error: { code: string } }).error.code;

test('role change and removal end the user’s sessions at once and are audited', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const created = await admin.call('POST', '/api/v1/users', { username: 'lin', password: 'Analyst-pass-99', role: 'analyst' });
    assert.equal(created.status, 201);
    const linId = (created.json as { id: number }).id;
    const lin = client();
    assert.equal((await lin.login('lin', 'Analyst-pass-99')).status, 200);
    assert.equal((await lin.call('GET', '/api/v1/threats/findings')).status, 200);

    const demoted = await admin.call('PUT', `/api/v1/users/${linId}/role`, { role: 'viewer' });
    assert.equal(demoted.status, 200, JSON.stringify(demoted.json));
    assert.deepEqual(demoted.json, { user: { id: linId, username: 'lin', role: 'viewer' } });
    assert.equal((await lin.call('GET', '/api/v1/auth/me')).status, 401, 'the old session ended with the role change');
    assert.equal((await lin.login('lin', 'Analyst-pass-99')).status, 200);
    assert.equal(((await lin.call('GET', '/api/v1/auth/me')).json as { user: { role: string } }).user.role, 'viewer');

    const bad = await admin.call('PUT', `/api/v1/users/${linId}/role`, { role: 'root' });
    assert.equal(bad.status, 400);
    assert.equal((await admin.call('PUT', '/api/v1/users/9999/role', { role: 'viewer' })).status, 404);

    const removed = await admin.call('DELETE', `/api/v1/users/${linId}`);
    assert.equal(removed.status, 204);
    assert.equal((await lin.call('GET', '/api/v1/auth/me')).status, 401, 'the session ended with the removal');
    assert.equal((await lin.login('lin', 'Analyst-pass-99')).status, 401);
    const users = (await admin.call('GET', '/api/v1/users')).json as { users: UserRow[] };
    assert.deepEqual(users.users.map((u) => u.username), ['admin']);
    assert.equal((await admin.call('DELETE', `/api/v1/users/${linId}`)).status, 404);

    const audit = (await admin.call('GET', '/api/v1/audit')).json as { entries: { action: string; target: string; username: string; detail: Record<string, string> }[] };
    const change = audit.entries.find((e) => e.action === 'user.role_change');
    assert.equal(change?.target, 'user:lin');
    assert.equal(change?.username, 'admin');
    assert.deepEqual(change?.detail, { from: 'analyst', to: 'viewer' });
    const removal = audit.entries.find((e) => e.action === 'user.remove');
    assert.equal(removal?.target, 'user:lin');
    assert.deepEqual(removal?.detail, { role: 'viewer' });
  });
});

test('the last administrator can be neither demoted nor removed; only admins manage users', async () => {
  await withService(async (svc, _dir, _clock, client) => {
    const admin = await adminClient(svc, client);
    const adminId = ((await admin.call('GET', '/api/v1/users')).json as { users: UserRow[] }).users[0].id;
    const lastDemote = await admin.call('PUT', `/api/v1/users/${adminId}/role`, { role: 'viewer' });
    assert.equal(lastDemote.status, 409);
    assert.equal(code(lastDemote), 'last_admin');
    assert.equal(code(await admin.call('DELETE', `/api/v1/users/${adminId}`)), 'last_admin');
    assert.equal((await admin.call('GET', '/api/v1/auth/me')).status, 200, 'a refused change leaves the session alone');

    const second = (await admin.call('POST', '/api/v1/users', { username: 'wang', password: 'Second-admin-77', role: 'admin' })).json as { id: number };
    const wang = client();
    await wang.login('wang', 'Second-admin-77');
    // two admins: the first one steps down himself, and is signed out at once
    assert.equal((await admin.call('PUT', `/api/v1/users/${adminId}/role`, { role: 'analyst' })).status, 200);
    assert.equal((await admin.call('GET', '/api/v1/users')).status, 401);
    await admin.login('admin', ADMIN_PASSWORD);
    assert.equal((await admin.call('DELETE', `/api/v1/users/${second.id}`)).status, 403, 'an analyst may not remove users');
    assert.equal((await admin.call('PUT', `/api/v1/users/${second.id}/role`, { role: 'viewer' })).status, 403);
    // wang is now the last admin
    assert.equal(code(await wang.call('DELETE', `/api/v1/users/${second.id}`)), 'last_admin');
    assert.equal(code(await wang.call('PUT', `/api/v1/users/${second.id}/role`, { role: 'analyst' })), 'last_admin');
    // an admin removing himself while another admin remains is allowed
    assert.equal((await wang.call('PUT', `/api/v1/users/${adminId}/role`, { role: 'admin' })).status, 200);
    assert.equal((await wang.call('DELETE', `/api/v1/users/${second.id}`)).status, 204);
    assert.equal((await wang.call('GET', '/api/v1/auth/me')).status, 401);
    await admin.login('admin', ADMIN_PASSWORD);
    const left = ((await admin.call('GET', '/api/v1/users')).json as { users: UserRow[] }).users;
    assert.deepEqual(left.map((u) => [u.username, u.role]), [['admin', 'admin']]);
  });
});

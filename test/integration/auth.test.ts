import { AuditLog } from '../../data';
import { withAdminClient } from '../support/infra';
import { Client, TEST_PASSWORD, createSystemAdmin, createTestBusiness, startTestApi, type TestApi, type TestBusiness, type TestUser } from '../support/accounts';

describe('authentication', () => {
  let t: TestApi;
  let biz: TestBusiness;
  let sysadmin: TestUser;

  beforeAll(async () => {
    t = await startTestApi();
    biz = await createTestBusiness(t.db, 'Auth Biz');
    sysadmin = await createSystemAdmin(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  const auditRows = (where: Record<string, unknown>) => t.db.withSystemScope('test reads audit', () => AuditLog.findAll({ where, order: [['createdAt', 'ASC']] }));

  it('signs in with email and password, sets an httpOnly SameSite cookie, and answers /auth/me', async () => {
    const client = new Client(t.base);
    const login = await client.login(biz.users.owner.email.toUpperCase());
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^prosaas_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(login.body).toMatchObject({ user: { id: biz.users.owner.id, role: 'owner' } });
    const me = await client.get<{ user: { id: string }; business: { id: string }; csrfToken: string; impersonation: null }>('/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(biz.users.owner.id);
    expect(me.body.business.id).toBe(biz.id);
    expect(me.body.csrfToken).toBe(client.csrf);
    expect(me.body.impersonation).toBeNull();
    expect(await auditRows({ action: 'auth.login', actorUserId: biz.users.owner.id })).not.toHaveLength(0);
  });

  it('marks the cookie Secure when the request came over https through the trusted proxy', async () => {
    const client = new Client(t.base);
    const response = await client.request('POST', '/auth/login', { email: biz.users.agent.email, password: TEST_PASSWORD }, { 'x-forwarded-proto': 'https' });
    expect(response.headers.get('set-cookie')).toMatch(/Secure/);
  });

  it('answers 401 in Hebrew by default and in English on request, without a session', async () => {
    const client = new Client(t.base);
    const he = await client.get<{ error: { code: string; message: string; messages: { en: string } } }>('/auth/me');
    expect(he.status).toBe(401);
    expect(he.body.error.message).toMatch(/להתחבר/);
    client.language = 'en';
    const wrong = await client.request<{ error: { code: string; message: string } }>('POST', '/auth/login', { email: biz.users.agent.email, password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_credentials', message: 'Wrong email or password' });
    expect(await auditRows({ action: 'auth.login_failed', targetId: biz.users.agent.id })).not.toHaveLength(0);
  });

  it('rotates the session on login: the earlier cookie stops working', async () => {
    const client = new Client(t.base);
    await client.login(biz.users.admin.email);
    const first = client.cookie!;
    await client.login(biz.users.admin.email);
    expect(client.cookie).not.toBe(first);
    const stale = new Client(t.base);
    stale.cookie = first;
    expect((await stale.get('/auth/me')).status).toBe(401);
    expect((await client.get('/auth/me')).status).toBe(200);
  });

  it('demands the CSRF token on cookie-authenticated writes', async () => {
    const client = new Client(t.base);
    await client.login(biz.users.owner.email);
    const token = client.csrf;
    client.csrf = null;
    const denied = await client.request<{ error: { code: string } }>('POST', '/api-keys', { name: 'csrf probe', scopes: ['read'] });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('csrf_failed');
    const forged = await client.request('POST', '/api-keys', { name: 'csrf probe', scopes: ['read'] }, { 'x-csrf-token': 'forged' });
    expect(forged.status).toBe(403);
    client.csrf = token;
    expect((await client.request('POST', '/api-keys', { name: 'csrf probe', scopes: ['read'] })).status).toBe(201);
  });

  it('refuses a form-encoded login (only JSON bodies are accepted)', async () => {
    const client = new Client(t.base);
    const response = await client.request('POST', '/auth/login', `email=${encodeURIComponent(biz.users.owner.email)}&password=x`, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
  });

  it('locks an account after five failures, with a clear message, even for the right password and from another IP', async () => {
    const target = (await createTestBusiness(t.db, 'Lockout Biz')).users.agent;
    const client = new Client(t.base);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await client.request('POST', '/auth/login', { email: target.email, password: `wrong-${i}-password` })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const elsewhere = new Client(t.base);
    elsewhere.language = 'en';
    const locked = await elsewhere.request<{ error: { code: string; message: string; messages: { he: string } } }>('POST', '/auth/login', { email: target.email, password: TEST_PASSWORD });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(locked.body.error.code).toBe('login_locked');
    expect(locked.body.error.message).toMatch(/Too many failed sign-in attempts/);
    expect(locked.body.error.messages.he).toMatch(/ניסיונות/);
  });

  it('rate-limits one IP across accounts', async () => {
    const client = new Client(t.base);
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await client.request('POST', '/auth/login', { email: `nobody-${i}@test.prosaas`, password: 'whatever-password' })).status);
    expect(statuses.slice(0, 19).every((s) => s === 401)).toBe(true);
    expect(statuses[19]).toBe(429);
    expect(statuses[20]).toBe(429);
    const sameIpRealUser = new Client(t.base);
    sameIpRealUser.ip = client.ip;
    expect((await sameIpRealUser.request('POST', '/auth/login', { email: biz.users.owner.email, password: TEST_PASSWORD })).status).toBe(429);
  });

  it('logs out one session, or everywhere', async () => {
    const a = new Client(t.base);
    const b = new Client(t.base);
    await a.login(biz.users.agent.email);
    await b.login(biz.users.agent.email);
    expect((await a.request('POST', '/auth/logout', {})).status).toBe(204);
    expect((await a.get('/auth/me')).status).toBe(401);
    expect((await b.get('/auth/me')).status).toBe(200);
    const c = new Client(t.base);
    await c.login(biz.users.agent.email);
    expect((await c.request('POST', '/auth/logout', { everywhere: true })).status).toBe(204);
    expect((await b.get('/auth/me')).status).toBe(401);
    expect(await auditRows({ action: 'auth.logout_everywhere', targetId: biz.users.agent.id })).toHaveLength(1);
  });

  it('resets a password with a single-use, expiring token delivered through the notifier', async () => {
    const user = (await createTestBusiness(t.db, 'Reset Biz')).users.admin;
    const client = new Client(t.base);
    await client.login(user.email);
    const anon = new Client(t.base);
    expect((await anon.request('POST', '/auth/password-reset', { email: 'nobody-here@test.prosaas' })).status).toBe(202);
    expect((await anon.request('POST', '/auth/password-reset', { email: user.email })).status).toBe(202);
    const message = t.notifier.sent.filter((n) => n.to === user.email).at(-1)!;
    expect(message.kind).toBe('password_reset');
    expect(message.data.link).toContain('http://crm.test/reset-password?token=');
    const token = message.data.token!;

    const weak = await anon.request<{ error: { fields: Record<string, string[]> } }>('POST', '/auth/password-reset/confirm', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields.password!.join(' ')).toMatch(/at least 10 characters/);
    expect(weak.body.error.fields.password!.join(' ')).toMatch(/לפחות 10 תווים/);

    const newPassword = 'a brand new passphrase';
    expect((await anon.request('POST', '/auth/password-reset/confirm', { token, password: newPassword })).status).toBe(200);
    expect((await client.get('/auth/me')).status).toBe(401); // every session ended
    expect((await anon.request('POST', '/auth/password-reset/confirm', { token, password: newPassword })).status).toBe(400); // single use
    await new Client(t.base).login(user.email, newPassword);

    await anon.request('POST', '/auth/password-reset', { email: user.email });
    const second = t.notifier.sent.filter((n) => n.to === user.email).at(-1)!.data.token!;
    await withAdminClient((admin) => admin.query("UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1", [user.id]));
    expect((await anon.request('POST', '/auth/password-reset/confirm', { token: second, password: 'yet another passphrase' })).status).toBe(400);
  });

  it('changes your own password with the current one, ending your other sessions', async () => {
    const user = (await createTestBusiness(t.db, 'Change Biz')).users.agent;
    const other = new Client(t.base);
    await other.login(user.email);
    const client = new Client(t.base);
    await client.login(user.email);
    const before = client.cookie;
    const wrong = await client.request<{ error: { code: string } }>('POST', '/auth/password', { currentPassword: 'not it at all', newPassword: 'my brand new passphrase' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('wrong_current_password');
    expect((await client.request('POST', '/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'short' })).status).toBe(400);
    const changed = await client.request('POST', '/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'my brand new passphrase' });
    expect(changed.status).toBe(200);
    expect(client.cookie).not.toBe(before);
    expect((await client.get('/auth/me')).status).toBe(200);
    expect((await other.get('/auth/me')).status).toBe(401);
    await new Client(t.base).login(user.email, 'my brand new passphrase');
    expect(await auditRows({ action: 'auth.password_change', targetId: user.id })).toHaveLength(1);
  });

  it('refuses a deactivated user', async () => {
    const fresh = await createTestBusiness(t.db, 'Deactivate Biz');
    const agent = new Client(t.base);
    await agent.login(fresh.users.agent.email);
    const owner = new Client(t.base);
    await owner.login(fresh.users.owner.email);
    expect((await owner.request('POST', `/users/${fresh.users.agent.id}/deactivate`)).status).toBe(200);
    expect((await agent.get('/auth/me')).status).toBe(401);
    expect((await new Client(t.base).request('POST', '/auth/login', { email: fresh.users.agent.email, password: TEST_PASSWORD })).status).toBe(401);
  });

  describe('API keys', () => {
    it('are created by owner or admin, shown once, stored hashed, scoped, tracked and revocable', async () => {
      const owner = new Client(t.base);
      await owner.login(biz.users.owner.email);
      const created = await owner.request<{ key: string; apiKey: { id: string; prefix: string; scopes: string[] } }>('POST', '/api-keys', { name: 'Zapier', scopes: ['read'] });
      expect(created.status).toBe(201);
      expect(created.body.key).toMatch(/^psk_[a-z0-9]{12}_/);
      const listed = await owner.get<{ apiKeys: Array<Record<string, unknown>> }>('/api-keys');
      expect(JSON.stringify(listed.body)).not.toContain(created.body.key);
      const stored = await withAdminClient((admin) => admin.query('SELECT secret_hash FROM api_keys WHERE id = $1', [created.body.apiKey.id]));
      expect(stored.rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(stored.rows[0].secret_hash).not.toContain(created.body.key);

      const integrator = new Client(t.base);
      integrator.bearer = created.body.key;
      const users = await integrator.get<{ users: Array<{ id: string }> }>('/users');
      expect(users.status).toBe(200);
      expect(users.body.users.map((u) => u.id)).toContain(biz.users.agent.id);
      const me = await integrator.get<{ via: string; scopes: string[] }>('/auth/me');
      expect(me.body).toMatchObject({ via: 'api_key', scopes: ['read'] });
      // API keys need no CSRF token, but cannot manage keys or users, and a read key cannot write.
      expect((await integrator.request('POST', '/api-keys', { name: 'x', scopes: ['read'] })).status).toBe(403);
      expect((await integrator.request('POST', '/users', { email: 'k@test.prosaas', fullName: 'K', role: 'agent' })).status).toBe(403);
      const lastUsed = await withAdminClient((admin) => admin.query('SELECT last_used_at FROM api_keys WHERE id = $1', [created.body.apiKey.id]));
      expect(lastUsed.rows[0].last_used_at).not.toBeNull();

      const agent = new Client(t.base);
      await agent.login(biz.users.agent.email);
      expect((await agent.request('POST', '/api-keys', { name: 'nope', scopes: ['read'] })).status).toBe(403);
      expect((await agent.request('DELETE', `/api-keys/${created.body.apiKey.id}`)).status).toBe(403);

      expect((await owner.request('DELETE', `/api-keys/${created.body.apiKey.id}`)).status).toBe(200);
      expect((await owner.request('DELETE', `/api-keys/${created.body.apiKey.id}`)).status).toBe(409);
      expect((await integrator.get('/users')).status).toBe(401);
      const actions = (await auditRows({ targetId: created.body.apiKey.id })).map((row) => row.action);
      expect(actions).toEqual(['api_key.create', 'api_key.revoke']);
    });

    it('reject a malformed or unknown key with 401 rather than falling back to the cookie', async () => {
      const client = new Client(t.base);
      await client.login(biz.users.owner.email);
      client.bearer = 'psk_aaaaaaaaaaaa_' + 'x'.repeat(43);
      expect((await client.get('/users')).status).toBe(401);
      client.bearer = 'nonsense';
      expect((await client.get('/users')).status).toBe(401);
    });
  });

  describe('audit log', () => {
    it('is readable by the owner (own business) and by system_admin (all), not by admins or agents', async () => {
      const owner = new Client(t.base);
      await owner.login(biz.users.owner.email);
      const entries = await owner.get<{ entries: Array<{ businessId: string; action: string; ip: string }> }>('/audit-log?limit=200');
      expect(entries.status).toBe(200);
      expect(entries.body.entries.length).toBeGreaterThan(0);
      expect(entries.body.entries.every((e) => e.businessId === biz.id)).toBe(true);
      expect(entries.body.entries.find((e) => e.action === 'auth.login')?.ip).toBeTruthy();
      for (const email of [biz.users.admin.email, biz.users.agent.email]) {
        const other = new Client(t.base);
        await other.login(email);
        expect((await other.get('/audit-log')).status).toBe(403);
        expect((await other.get('/audit-log/all')).status).toBe(403);
      }
      const admin = new Client(t.base);
      await admin.login(sysadmin.email);
      const all = await admin.get<{ entries: Array<{ businessId: string | null }> }>('/audit-log/all?limit=200');
      expect(all.status).toBe(200);
      expect(new Set(all.body.entries.map((e) => e.businessId)).size).toBeGreaterThan(1);
      const one = await admin.get<{ entries: Array<{ businessId: string }> }>(`/audit-log?businessId=${biz.id}`);
      expect(one.status).toBe(200);
      expect(one.body.entries.every((e) => e.businessId === biz.id)).toBe(true);
    });
  });

  it('serves an OpenAPI 3.1 document generated from the route table', async () => {
    const doc = await new Client(t.base).get<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    for (const route of t.api.routes) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.body.paths[path]?.[route.method]).toBeDefined();
    }
    expect(JSON.stringify(doc.body.paths['/auth/login'])).toContain('email');
  });
});

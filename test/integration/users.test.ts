import { AuditLog, Business } from '../../data';
import { Client, createSystemAdmin, createTestBusiness, startTestApi, uniqueEmail, type TestApi, type TestBusiness, type TestUser } from '../support/accounts';

type ErrorBody = { error: { code: string; message: string; messages: { he: string; en: string } } };

describe('users, businesses and impersonation', () => {
  let t: TestApi;
  let sysadmin: TestUser;

  beforeAll(async () => {
    t = await startTestApi();
    sysadmin = await createSystemAdmin(t.db);
  });
  afterAll(async () => {
    await t.close();
  });

  const signIn = async (user: TestUser) => {
    const client = new Client(t.base);
    await client.login(user.email);
    return client;
  };
  const audit = (where: Record<string, unknown>) => t.db.withSystemScope('test reads audit', () => AuditLog.findAll({ where, order: [['createdAt', 'ASC']] }));

  describe('user management', () => {
    let biz: TestBusiness;
    beforeAll(async () => {
      biz = await createTestBusiness(t.db, 'Users Biz');
    });

    it('invites a user with a temporary password that signs in, or with a set-password link sent by notification', async () => {
      const owner = await signIn(biz.users.owner);
      const email = uniqueEmail('temp');
      const created = await owner.request<{ user: { id: string; role: string }; temporaryPassword: string }>('POST', '/users', {
        email,
        fullName: 'רונית זמנית',
        role: 'agent',
        invite: 'temporary_password',
      });
      expect(created.status).toBe(201);
      expect(created.body.temporaryPassword).toHaveLength(16);
      await new Client(t.base).login(email, created.body.temporaryPassword);

      const linkEmail = uniqueEmail('link');
      const invited = await owner.request<{ user: { id: string }; temporaryPassword?: string }>('POST', '/users', { email: linkEmail, fullName: 'Link User', role: 'admin', locale: 'en' });
      expect(invited.status).toBe(201);
      expect(invited.body.temporaryPassword).toBeUndefined();
      const message = t.notifier.sent.find((n) => n.to === linkEmail)!;
      expect(message).toMatchObject({ kind: 'invite', locale: 'en' });
      const anon = new Client(t.base);
      expect((await anon.request('POST', '/auth/password-reset/confirm', { token: message.data.token, password: 'my own passphrase' })).status).toBe(200);
      await new Client(t.base).login(linkEmail, 'my own passphrase');

      const duplicate = await owner.request<ErrorBody>('POST', '/users', { email: linkEmail.toUpperCase(), fullName: 'Dup', role: 'agent' });
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.code).toBe('email_taken');
    });

    it('lets an admin manage only roles below owner, and an agent no users at all', async () => {
      const admin = await signIn(biz.users.admin);
      admin.language = 'en';
      const asOwner = await admin.request<ErrorBody>('POST', '/users', { email: uniqueEmail('x'), fullName: 'X', role: 'owner' });
      expect(asOwner.status).toBe(403);
      expect(asOwner.body.error.code).toBe('assign_role_too_high');
      expect(asOwner.body.error.messages.he).toBeTruthy();
      expect((await admin.request<ErrorBody>('POST', `/users/${biz.users.owner.id}/deactivate`)).body.error.code).toBe('target_role_too_high');
      expect((await admin.request('DELETE', `/users/${biz.users.owner.id}`)).status).toBe(403);
      expect((await admin.request('POST', `/users/${biz.users.agent.id}/role`, { role: 'owner' })).status).toBe(403);
      expect((await admin.request('PATCH', `/users/${biz.users.agent.id}`, { fullName: 'Agent Renamed' })).status).toBe(200);

      const agent = await signIn(biz.users.agent);
      expect((await agent.get('/users')).status).toBe(403);
      expect((await agent.request('POST', '/users', { email: uniqueEmail('y'), fullName: 'Y', role: 'agent' })).status).toBe(403);
      expect((await agent.request('PATCH', '/business', { name: 'Hijack' })).status).toBe(403);
      expect((await agent.get('/business')).status).toBe(200);
    });

    it('lets nobody delete, deactivate or demote themselves', async () => {
      const fresh = await createTestBusiness(t.db, 'Self Biz');
      const admin = await signIn(fresh.users.admin);
      const selfDelete = await admin.request<ErrorBody>('DELETE', `/users/${fresh.users.admin.id}`);
      expect(selfDelete.status).toBe(403);
      expect(selfDelete.body.error.code).toBe('self_delete');
      expect(selfDelete.body.error.message).toMatch(/למחוק/);
      expect((await admin.request<ErrorBody>('POST', `/users/${fresh.users.admin.id}/deactivate`)).body.error.code).toBe('self_deactivate');
      expect((await admin.request<ErrorBody>('POST', `/users/${fresh.users.admin.id}/role`, { role: 'agent' })).body.error.code).toBe('self_demote');
    });

    it('never removes, demotes or deactivates the last owner (409 in Hebrew and English)', async () => {
      const fresh = await createTestBusiness(t.db, 'Owner Biz');
      const owner = await signIn(fresh.users.owner);
      // A second owner can be created, then the first may be demoted; the remaining one is protected.
      const second = await owner.request<{ user: { id: string } }>('POST', '/users', { email: uniqueEmail('owner2'), fullName: 'Second Owner', role: 'owner', invite: 'temporary_password' });
      expect(second.status).toBe(201);
      const secondId = second.body.user.id;
      expect((await owner.request('POST', `/users/${secondId}/role`, { role: 'admin' })).status).toBe(200);
      expect((await owner.request('POST', `/users/${secondId}/role`, { role: 'owner' })).status).toBe(200);

      const rows = await audit({ action: 'user.role_change', targetId: secondId });
      expect(rows.map((r) => r.details)).toEqual([{ from: 'owner', to: 'admin' }, { from: 'admin', to: 'owner' }]);

      // With two owners one may be deleted; then the remaining owner is protected from everyone.
      expect((await owner.request('DELETE', `/users/${secondId}`)).status).toBe(204);
      expect(await audit({ action: 'user.delete', targetId: secondId })).toHaveLength(1);

      // Only one owner left: a system_admin acting in the business cannot remove them either.
      const platform = await signIn(sysadmin);
      platform.language = 'en';
      for (const [method, path, body] of [
        ['DELETE', `/users/${fresh.users.owner.id}`, undefined],
        ['POST', `/users/${fresh.users.owner.id}/deactivate`, undefined],
        ['POST', `/users/${fresh.users.owner.id}/role`, { role: 'admin' }],
      ] as const) {
        const response = await platform.request<ErrorBody>(method, `${path}?businessId=${fresh.id}`, body);
        expect({ path, method, status: response.status }).toEqual({ path, method, status: 409 });
        expect(response.body.error.code).toBe('last_owner');
        expect(response.body.error.message).toMatch(/last owner/);
        expect(response.body.error.messages.he).toMatch(/הבעלים האחרון/);
      }
    });

    it('deactivates and reactivates a user', async () => {
      const fresh = await createTestBusiness(t.db, 'Reactivate Biz');
      const admin = await signIn(fresh.users.admin);
      expect((await admin.request<{ user: { isActive: boolean } }>('POST', `/users/${fresh.users.agent.id}/deactivate`)).body.user.isActive).toBe(false);
      expect((await new Client(t.base).request('POST', '/auth/login', { email: fresh.users.agent.email, password: 'correct horse battery staple' })).status).toBe(401);
      expect((await admin.request<{ user: { isActive: boolean } }>('POST', `/users/${fresh.users.agent.id}/reactivate`)).body.user.isActive).toBe(true);
      await signIn(fresh.users.agent);
    });

    it('exports users as CSV and audits the export', async () => {
      const admin = await signIn(biz.users.admin);
      const response = await fetch(`${t.base}/users/export`, { headers: { cookie: admin.cookie!, 'x-forwarded-for': admin.ip } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/csv/);
      expect(await response.text()).toContain(biz.users.agent.email);
      expect(await audit({ action: 'export', businessId: biz.id })).not.toHaveLength(0);
    });

    it('audits settings changes with before and after', async () => {
      const fresh = await createTestBusiness(t.db, 'Settings Biz');
      const owner = await signIn(fresh.users.owner);
      const response = await owner.request<{ business: { timezone: string } }>('PATCH', '/business', { timezone: 'Europe/London', name: 'Settings Biz 2' });
      expect(response.status).toBe(200);
      expect(response.body.business.timezone).toBe('Europe/London');
      const rows = await audit({ action: 'settings.change', businessId: fresh.id });
      expect(rows[0]!.details).toEqual({ before: { timezone: 'Asia/Jerusalem', name: 'Settings Biz' }, after: { timezone: 'Europe/London', name: 'Settings Biz 2' } });
      expect(rows[0]!.actorUserId).toBe(fresh.users.owner.id);
      expect((await owner.request('PATCH', '/business', { timezone: 'Mars/Olympus' })).status).toBe(400);
    });
  });

  describe('businesses (system_admin)', () => {
    it('lists every business and creates one with its first owner in one transaction', async () => {
      const platform = await signIn(sysadmin);
      const before = await platform.get<{ businesses: Array<{ id: string }> }>('/businesses');
      expect(before.status).toBe(200);
      const ownerEmail = uniqueEmail('newowner');
      const created = await platform.request<{ business: { id: string; name: string }; owner: { id: string; role: string; businessId: string }; temporaryPassword: string }>('POST', '/businesses', {
        name: 'מספרת יוסי',
        owner: { email: ownerEmail, fullName: 'יוסי', invite: 'temporary_password' },
      });
      expect(created.status).toBe(201);
      expect(created.body.owner).toMatchObject({ role: 'owner', businessId: created.body.business.id });
      await new Client(t.base).login(ownerEmail, created.body.temporaryPassword);
      expect((await platform.get<{ businesses: unknown[] }>('/businesses')).body.businesses.length).toBe(before.body.businesses.length + 1);
      expect((await platform.get(`/businesses/${created.body.business.id}`)).status).toBe(200);

      // The owner's email is taken: nothing is created, not even the business.
      const failed = await platform.request('POST', '/businesses', { name: 'Never Created Biz', owner: { email: ownerEmail, fullName: 'Dup' } });
      expect(failed.status).toBe(409);
      const orphan = await t.db.withSystemScope('test', () => Business.count({ where: { name: 'Never Created Biz' } }));
      expect(orphan).toBe(0);
    });

    it('is closed to everyone else', async () => {
      const biz = await createTestBusiness(t.db, 'Closed Biz');
      for (const user of Object.values(biz.users)) {
        const client = await signIn(user);
        expect((await client.get('/businesses')).status).toBe(403);
        expect((await client.request('POST', '/businesses', { name: 'X', owner: { email: uniqueEmail('x'), fullName: 'X' } })).status).toBe(403);
        expect((await client.request('POST', '/impersonation', { businessId: biz.id })).status).toBe(403);
      }
    });

    it('lets only system_admin pick a business by query parameter; others get 403 and the attempt is audited', async () => {
      const a = await createTestBusiness(t.db, 'Override A');
      const b = await createTestBusiness(t.db, 'Override B');
      const owner = await signIn(a.users.owner);
      const denied = await owner.get<ErrorBody>(`/users?businessId=${b.id}`);
      expect(denied.status).toBe(403);
      expect(denied.body.error.code).toBe('business_override_forbidden');
      const rows = await audit({ action: 'business.override_denied', actorUserId: a.users.owner.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]!.details).toMatchObject({ requested: b.id });

      const platform = await signIn(sysadmin);
      const users = await platform.get<{ users: Array<{ id: string }> }>(`/users?businessId=${b.id}`);
      expect(users.status).toBe(200);
      expect(users.body.users.map((u) => u.id).sort()).toEqual(Object.values(b.users).map((u) => u.id).sort());
      expect((await platform.get('/users')).status).toBe(400);
      expect((await platform.get('/users?businessId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
    });
  });

  describe('impersonation', () => {
    it('acts as the business owner with both identities audited, shows a banner, and returns to the admin', async () => {
      const biz = await createTestBusiness(t.db, 'Impersonated Biz');
      const platform = await signIn(sysadmin);
      const adminCookie = platform.cookie;
      const started = await platform.request<{ actingAs: { id: string } }>('POST', '/impersonation', { businessId: biz.id });
      expect(started.status).toBe(200);
      expect(started.body.actingAs.id).toBe(biz.users.owner.id);
      expect(platform.cookie).not.toBe(adminCookie); // rotated
      const stale = new Client(t.base);
      stale.cookie = adminCookie;
      expect((await stale.get('/auth/me')).status).toBe(401);

      const me = await platform.get<{ user: { id: string }; impersonation: { impersonator: { id: string }; banner: { he: string; en: string } } }>('/auth/me');
      expect(me.body.user.id).toBe(biz.users.owner.id);
      expect(me.body.impersonation.impersonator.id).toBe(sysadmin.id);
      expect(me.body.impersonation.banner.he).toMatch(/מתחזה/);

      const renamed = await platform.request('PATCH', `/users/${biz.users.agent.id}`, { fullName: 'Renamed While Impersonating' });
      expect(renamed.status).toBe(200);
      const update = await audit({ action: 'user.update', targetId: biz.users.agent.id });
      expect(update[0]).toMatchObject({ businessId: biz.id, actorUserId: biz.users.owner.id, impersonatorUserId: sysadmin.id });
      const requests = await audit({ action: 'impersonation.request', businessId: biz.id });
      expect(requests.length).toBeGreaterThanOrEqual(1);
      expect(requests.every((row) => row.impersonatorUserId === sysadmin.id && row.actorUserId === biz.users.owner.id)).toBe(true);

      // Platform actions wait until the impersonation stops.
      expect((await platform.get<ErrorBody>('/businesses')).body.error.code).toBe('impersonation_required_stop');
      expect((await platform.request('POST', '/impersonation', { businessId: biz.id })).status).toBe(403);

      const stopped = await platform.request('DELETE', '/impersonation');
      expect(stopped.status).toBe(200);
      const back = await platform.get<{ user: { id: string }; impersonation: null }>('/auth/me');
      expect(back.body.user.id).toBe(sysadmin.id);
      expect(back.body.impersonation).toBeNull();
      expect((await platform.get('/businesses')).status).toBe(200);
      expect((await platform.request('DELETE', '/impersonation')).status).toBe(409);

      const startStop = (await audit({ businessId: biz.id })).map((row) => row.action).filter((action) => action.startsWith('impersonation.s'));
      expect(startStop).toEqual(['impersonation.start', 'impersonation.stop']);
    });

    it('can act as a chosen user of the business', async () => {
      const biz = await createTestBusiness(t.db, 'Impersonate Agent Biz');
      const platform = await signIn(sysadmin);
      const started = await platform.request<{ actingAs: { id: string; role: string } }>('POST', '/impersonation', { businessId: biz.id, userId: biz.users.agent.id });
      expect(started.body.actingAs).toMatchObject({ id: biz.users.agent.id, role: 'agent' });
      expect((await platform.get('/users')).status).toBe(403); // the agent's permissions, not the admin's
      const other = await createTestBusiness(t.db, 'Not This Biz');
      await platform.request('DELETE', '/impersonation');
      expect((await platform.request('POST', '/impersonation', { businessId: biz.id, userId: other.users.agent.id })).status).toBe(404);
    });
  });
});

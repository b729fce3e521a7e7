import { z } from 'zod';
import { Op, col, fn, where as sqlWhere } from 'sequelize';
import { Business, User } from '../../data';
import { LOCKOUT_MESSAGE } from '../../domain/policy';
import { hashPassword, verifyPassword } from '../../platform/passwords';
import { consumePasswordToken, createPasswordToken } from '../auth/password-tokens';
import { clearSessionCookie, setSessionCookie, type AccountsDeps } from './deps';
import { LocalizedHttpError, defineRoute, sendLocalized, type AnyRoute } from './registry';
import { businessSchema, emailSchema, newPasswordSchema, toBusinessDto, toUserDto, userSchema } from './schemas';

const INVALID_CREDENTIALS = { he: 'דוא"ל או סיסמה שגויים', en: 'Wrong email or password' };
const OWN_SESSION_ONLY = { he: 'אפשר לשנות סיסמה רק בחיבור שלך עצמך', en: 'Change a password only in your own signed-in session' };
const WRONG_CURRENT_PASSWORD = { he: 'הסיסמה הנוכחית שגויה', en: 'The current password is wrong' };
const RESET_INVALID = { he: 'הקישור לאיפוס הסיסמה אינו תקף, פג תוקפו או שכבר נוצל', en: 'The password link is invalid, expired or already used' };

const meSchema = z.object({
  via: z.enum(['session', 'api_key']),
  user: userSchema.nullable(),
  business: businessSchema.nullable(),
  role: z.string(),
  scopes: z.array(z.string()).nullable(),
  csrfToken: z.string().nullable(),
  impersonation: z
    .object({ impersonator: z.object({ id: z.uuid(), email: z.string(), fullName: z.string() }), banner: z.object({ he: z.string(), en: z.string() }) })
    .nullable(),
});

export function authRoutes(deps: AccountsDeps): AnyRoute[] {
  const { db, sessions, throttle } = deps;
  return [
    defineRoute({
      id: 'auth.login',
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
      tag: 'auth',
      scope: 'public',
      body: z.strictObject({ email: emailSchema, password: z.string().min(1).max(1024) }),
      response: { status: 200, description: 'Signed in', schema: z.object({ user: userSchema, csrfToken: z.string() }) },
      handler: async ({ req, res, body, audit }) => {
        const ip = req.ip ?? 'unknown';
        const locked = await throttle.lockedFor(ip, body.email);
        if (locked > 0) {
          res.setHeader('retry-after', String(locked));
          await audit({ action: 'auth.login_failed', businessId: null, details: { email: body.email, reason: 'locked' } });
          return sendLocalized(req, res, 429, 'login_locked', LOCKOUT_MESSAGE(locked));
        }
        const outcome = await deps.checkPassword(req, res);
        if (!outcome.user) {
          const lockedNow = await throttle.recordFailure(ip, body.email);
          await audit({
            action: 'auth.login_failed',
            businessId: outcome.knownUser?.businessId ?? null,
            targetType: outcome.knownUser ? 'user' : undefined,
            targetId: outcome.knownUser?.id,
            details: { email: body.email, reason: 'invalid_credentials' },
          });
          if (lockedNow > 0) {
            res.setHeader('retry-after', String(lockedNow));
            return sendLocalized(req, res, 429, 'login_locked', LOCKOUT_MESSAGE(lockedNow));
          }
          return sendLocalized(req, res, 401, 'invalid_credentials', INVALID_CREDENTIALS);
        }
        const user = outcome.user;
        await throttle.clearAccount(body.email);
        // Rotation: whatever session the browser had is ended; a new token is issued.
        const previous = req.auth?.sessionId;
        if (previous) await sessions.destroy(previous);
        const session = await sessions.create({ userId: user.id, ip, userAgent: req.header('user-agent') });
        setSessionCookie(deps, req, res, session.token);
        const fresh = await db.withSystemScope('record a successful login', async () => {
          await User.update({ lastLoginAt: new Date() }, { where: { id: user.id } });
          return User.findByPk(user.id);
        });
        await audit({ action: 'auth.login', businessId: user.businessId, actorUserId: user.id, impersonatorUserId: null, targetType: 'user', targetId: user.id });
        return { body: { user: toUserDto(fresh!), csrfToken: session.csrfToken } };
      },
    }),
    defineRoute({
      id: 'auth.logout',
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out this session, or every session of the user with {everywhere: true}',
      tag: 'auth',
      scope: 'authenticated',
      body: z.strictObject({ everywhere: z.boolean().optional() }),
      handler: async ({ req, res, auth, body, audit }) => {
        if (auth.via !== 'session' || !auth.sessionId) {
          throw new LocalizedHttpError(400, 'not_a_session', { he: 'התנתקות אפשרית רק בחיבור עם עוגייה', en: 'Only a cookie session can sign out' });
        }
        const realUserId = auth.realUserId ?? auth.userId;
        if (body.everywhere) await sessions.destroyAllForUser(realUserId);
        else await sessions.destroy(auth.sessionId);
        clearSessionCookie(deps, req, res);
        await audit({
          action: body.everywhere ? 'auth.logout_everywhere' : 'auth.logout',
          businessId: auth.businessId,
          targetType: 'user',
          targetId: realUserId,
        });
      },
    }),
    defineRoute({
      id: 'auth.me',
      method: 'get',
      path: '/auth/me',
      summary: 'Who is calling: user, business, role, CSRF token, and the impersonation banner when impersonating',
      tag: 'auth',
      scope: 'authenticated',
      response: { status: 200, description: 'The caller', schema: meSchema },
      handler: async ({ auth }) => {
        const result = await db.withSystemScope(
          'read the signed-in user',
          async () => {
            const user = auth.via === 'session' ? await User.findByPk(auth.userId) : null;
            const business = auth.businessId ? await Business.findByPk(auth.businessId) : null;
            const impersonator = auth.impersonatorUserId ? await User.findByPk(auth.impersonatorUserId) : null;
            return { user, business, impersonator };
          },
          { logLevel: 'debug' },
        );
        const impersonation =
          result.impersonator && result.user
            ? {
                impersonator: { id: result.impersonator.id, email: result.impersonator.email, fullName: result.impersonator.fullName },
                banner: {
                  he: `מתחזה ל-${result.user.fullName} (${result.business?.name ?? ''}) בתור ${result.impersonator.fullName}`,
                  en: `Impersonating ${result.user.fullName} (${result.business?.name ?? ''}) as ${result.impersonator.fullName}`,
                },
              }
            : null;
        return {
          body: {
            via: auth.via,
            user: result.user ? toUserDto(result.user) : null,
            business: result.business ? toBusinessDto(result.business) : null,
            role: auth.role,
            scopes: auth.scopes ? [...auth.scopes] : null,
            csrfToken: auth.csrfToken,
            impersonation,
          },
        };
      },
    }),
    defineRoute({
      id: 'auth.changePassword',
      method: 'post',
      path: '/auth/password',
      summary: 'Change your own password (e.g. after a temporary one); ends your other sessions and rotates this one',
      tag: 'auth',
      scope: 'authenticated',
      body: z.strictObject({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }),
      response: { status: 200, description: 'Changed', schema: z.object({ csrfToken: z.string() }) },
      handler: async ({ req, res, auth, body, audit }) => {
        if (auth.via !== 'session' || !auth.sessionId || auth.impersonatorUserId) {
          throw new LocalizedHttpError(403, 'own_session_only', OWN_SESSION_ONLY);
        }
        const changed = await db.withSystemScope('change own password', async () => {
          const user = await User.unscoped().findByPk(auth.userId);
          if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, body.currentPassword))) return false;
          await user.update({ passwordHash: await hashPassword(body.newPassword) });
          return true;
        });
        if (!changed) throw new LocalizedHttpError(400, 'wrong_current_password', WRONG_CURRENT_PASSWORD);
        await sessions.destroyAllForUser(auth.userId);
        const session = await sessions.create({ userId: auth.userId, ip: req.ip, userAgent: req.header('user-agent') });
        setSessionCookie(deps, req, res, session.token);
        await audit({ action: 'auth.password_change', businessId: auth.businessId, targetType: 'user', targetId: auth.userId });
        return { body: { csrfToken: session.csrfToken } };
      },
    }),
    defineRoute({
      id: 'auth.passwordReset.request',
      method: 'post',
      path: '/auth/password-reset',
      summary: 'Send a single-use password reset link (always 202, whether or not the email exists)',
      tag: 'auth',
      scope: 'public',
      body: z.strictObject({ email: emailSchema }),
      handler: async ({ body, audit }) => {
        const issued = await db.withSystemScope('issue a password reset token', async () => {
          const user = await User.findOne({ where: { [Op.and]: [sqlWhere(fn('lower', col('email')), body.email.toLowerCase())], isActive: true } });
          if (!user) return null;
          const token = await createPasswordToken(user.id, 'reset', deps.passwordResetTtlMs);
          return { user, token };
        });
        if (issued) {
          const link = `${deps.publicBaseUrl}/reset-password?token=${encodeURIComponent(issued.token)}`;
          await deps.notifier.send({
            to: issued.user.email,
            kind: 'password_reset',
            locale: issued.user.locale,
            subject: issued.user.locale === 'en' ? 'Reset your ProSaaS password' : 'איפוס הסיסמה ל-ProSaaS',
            text: issued.user.locale === 'en' ? `Set a new password: ${link}` : `לקביעת סיסמה חדשה: ${link}`,
            data: { link, token: issued.token },
          });
          await audit({ action: 'auth.password_reset_requested', businessId: issued.user.businessId, targetType: 'user', targetId: issued.user.id });
        }
        return { status: 202, body: { ok: true } };
      },
    }),
    defineRoute({
      id: 'auth.passwordReset.confirm',
      method: 'post',
      path: '/auth/password-reset/confirm',
      summary: 'Set a new password with a reset or invite token; ends every session of the user',
      tag: 'auth',
      scope: 'public',
      body: z.strictObject({ token: z.string().min(20).max(200), password: newPasswordSchema }),
      handler: async ({ body, audit }) => {
        const user = await db.withSystemScope('use a password reset token', async () => {
          const userId = await consumePasswordToken(body.token);
          if (!userId) return null;
          // Hashed only for a valid token, so bad tokens cost no argon2 work.
          await User.update({ passwordHash: await hashPassword(body.password) }, { where: { id: userId } });
          return User.findByPk(userId);
        });
        if (!user) throw new LocalizedHttpError(400, 'invalid_token', RESET_INVALID);
        await sessions.destroyAllForUser(user.id);
        await throttle.clearAccount(user.email);
        await audit({ action: 'auth.password_reset', businessId: user.businessId, actorUserId: user.id, targetType: 'user', targetId: user.id });
        return { body: { ok: true } };
      },
    }),
  ];
}

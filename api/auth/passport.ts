import type { Request, Response } from 'express';
import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Op, where as sqlWhere, fn, col } from 'sequelize';
import { User, type Database } from '../../data';
import type { Role } from '../../domain/policy';
import { hashPassword, verifyPassword } from '../../platform/passwords';

/** The fields a successful password check hands on. */
export interface LoginUser {
  id: string;
  email: string;
  role: Role;
  businessId: string | null;
}

export type LocalOutcome = { user: LoginUser } | { user: false; knownUser: LoginUser | null };

/** What the strategy's failure hands to the callback (passport passes it through as `info`). */
interface FailureInfo {
  message: string;
  knownUser: LoginUser | null;
}

let dummyHash: Promise<string> | null = null;

/**
 * passport-local with email + password checked against the argon2id hash. Unknown emails
 * still cost one argon2 verify, so response time does not reveal which emails exist.
 */
export function createPasswordAuthenticator(db: Database): (req: Request, res: Response) => Promise<LocalOutcome> {
  const authenticator = new passport.Passport();
  authenticator.use(
    'local',
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', session: false }, (email, password, done) => {
      checkPassword(db, email, password).then(
        (outcome) => {
          if (outcome.user) return done(null, outcome.user);
          const failure: FailureInfo = { message: 'invalid credentials', knownUser: outcome.knownUser };
          return done(null, false, failure);
        },
        (error: unknown) => done(error),
      );
    }),
  );
  return (req, res) =>
    new Promise<LocalOutcome>((resolve, reject) => {
      const middleware = authenticator.authenticate('local', { session: false }, (error: unknown, user: LoginUser | false, info?: Partial<FailureInfo>) => {
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        if (user) return resolve({ user });
        resolve({ user: false, knownUser: info?.knownUser ?? null });
      });
      (middleware as (req: Request, res: Response, next: (error?: unknown) => void) => void)(req, res, (error?: unknown) => {
        if (error) reject(error instanceof Error ? error : new Error(String(error)));
      });
    });
}

async function checkPassword(db: Database, email: string, password: string): Promise<LocalOutcome> {
  const user = await db.withSystemScope('find the account signing in by email', () =>
    User.unscoped().findOne({ where: { [Op.and]: [sqlWhere(fn('lower', col('email')), email.toLowerCase())] } }),
  );
  if (!user || !user.passwordHash || !user.isActive) {
    dummyHash ??= hashPassword('timing-equaliser-not-a-real-password');
    await verifyPassword(await dummyHash, password);
    return { user: false, knownUser: user ? toLoginUser(user) : null };
  }
  const ok = await verifyPassword(user.passwordHash, password);
  return ok ? { user: toLoginUser(user) } : { user: false, knownUser: toLoginUser(user) };
}

function toLoginUser(user: User): LoginUser {
  return { id: user.id, email: user.email, role: user.role, businessId: user.businessId };
}

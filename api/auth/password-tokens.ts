import { Op } from 'sequelize';
import { PasswordResetToken, type PasswordTokenPurpose } from '../../data';
import { randomToken, sha256 } from './secrets';

/**
 * Single-use, expiring set-password tokens. Call inside withSystemScope: the table is
 * reachable only there. Returns the token to put in the link; only its hash is stored.
 */
export async function createPasswordToken(userId: string, purpose: PasswordTokenPurpose, ttlMs: number, now = new Date()): Promise<string> {
  const token = randomToken();
  // A new link replaces the user's earlier unused ones.
  await PasswordResetToken.update({ usedAt: now }, { where: { userId, usedAt: null } });
  await PasswordResetToken.create({ tokenHash: sha256(token), userId, purpose, expiresAt: new Date(now.getTime() + ttlMs) });
  return token;
}

/** Marks the token used and returns its user id, or null when unknown, used or expired. Call inside withSystemScope. */
export async function consumePasswordToken(token: string, now = new Date()): Promise<string | null> {
  const [count, rows] = await PasswordResetToken.update(
    { usedAt: now },
    { where: { tokenHash: sha256(token), usedAt: null, expiresAt: { [Op.gt]: now } }, returning: true },
  );
  return count === 1 ? rows[0]!.userId : null;
}

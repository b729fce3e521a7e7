import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export type ApiKeyScope = 'read' | 'write';

/** A tenant's integration key. The secret is shown once; only its SHA-256 is kept. */
export class ApiKey extends Model<InferAttributes<ApiKey>, InferCreationAttributes<ApiKey>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare name: string;
  /** Public, unique part of the key that finds the row: `psk_<prefix>_<secret>`. */
  declare prefix: string;
  declare secretHash: string;
  declare scopes: ApiKeyScope[];
  declare createdByUserId: CreationOptional<string | null>;
  declare lastUsedAt: CreationOptional<Date | null>;
  declare revokedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    ApiKey.init(
      {
        ...tenantColumns(),
        name: { type: DataTypes.TEXT, allowNull: false },
        prefix: { type: DataTypes.TEXT, allowNull: false },
        secretHash: { type: DataTypes.TEXT, allowNull: false },
        scopes: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false },
        createdByUserId: { type: DataTypes.UUID, allowNull: true },
        lastUsedAt: { type: DataTypes.DATE, allowNull: true },
        revokedAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'api_keys', modelName: 'ApiKey', defaultScope: { attributes: { exclude: ['secretHash'] } } },
    );
  }
}

/** A server-side login session; the cookie carries the token, the row only its SHA-256. System scope only. */
export class AuthSession extends Model<InferAttributes<AuthSession>, InferCreationAttributes<AuthSession>> {
  declare id: CreationOptional<string>;
  declare tokenHash: string;
  /** The user who signed in (the system_admin while impersonating). */
  declare userId: string;
  /** The user a system_admin acts as, while impersonating. */
  declare impersonatedUserId: CreationOptional<string | null>;
  declare csrfToken: string;
  declare ip: CreationOptional<string | null>;
  declare userAgent: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare lastSeenAt: CreationOptional<Date>;
  declare expiresAt: Date;

  static initModel(sequelize: Sequelize): void {
    AuthSession.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        tokenHash: { type: DataTypes.TEXT, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        impersonatedUserId: { type: DataTypes.UUID, allowNull: true },
        csrfToken: { type: DataTypes.TEXT, allowNull: false },
        ip: { type: DataTypes.TEXT, allowNull: true },
        userAgent: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        lastSeenAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
      },
      { sequelize, tableName: 'auth_sessions', modelName: 'AuthSession', updatedAt: false },
    );
  }
}

export type PasswordTokenPurpose = 'reset' | 'invite';

/** A single-use, expiring password (re)set token, stored hashed. System scope only. */
export class PasswordResetToken extends Model<InferAttributes<PasswordResetToken>, InferCreationAttributes<PasswordResetToken>> {
  declare id: CreationOptional<string>;
  declare tokenHash: string;
  declare userId: string;
  declare purpose: PasswordTokenPurpose;
  declare expiresAt: Date;
  declare usedAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    PasswordResetToken.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        tokenHash: { type: DataTypes.TEXT, allowNull: false },
        userId: { type: DataTypes.UUID, allowNull: false },
        purpose: { type: DataTypes.TEXT, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        usedAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'password_reset_tokens', modelName: 'PasswordResetToken', updatedAt: false },
    );
  }
}

/** Failed-login counter and lockout per key ('ip:…' or 'account:…'). System scope only. */
export class LoginThrottle extends Model<InferAttributes<LoginThrottle>, InferCreationAttributes<LoginThrottle>> {
  declare key: string;
  declare failures: number;
  declare windowStartedAt: Date | null;
  declare lockedUntil: Date | null;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LoginThrottle.init(
      {
        key: { type: DataTypes.TEXT, primaryKey: true },
        failures: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        windowStartedAt: { type: DataTypes.DATE, allowNull: true },
        lockedUntil: { type: DataTypes.DATE, allowNull: true },
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'login_throttles', modelName: 'LoginThrottle', createdAt: false },
    );
  }
}

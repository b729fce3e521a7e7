import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

/** One Baileys creds document ('creds') or signal key (category = key type), as BufferJSON text. */
export class WhatsappAuthKey extends Model<InferAttributes<WhatsappAuthKey>, InferCreationAttributes<WhatsappAuthKey>> {
  declare businessId: string;
  declare category: string;
  declare keyId: string;
  declare value: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    WhatsappAuthKey.init(
      {
        businessId: { type: DataTypes.UUID, allowNull: false, primaryKey: true },
        category: { type: DataTypes.TEXT, allowNull: false, primaryKey: true },
        keyId: { type: DataTypes.TEXT, allowNull: false, primaryKey: true },
        value: { type: DataTypes.TEXT, allowNull: false },
        createdAt: { type: DataTypes.DATE },
        updatedAt: { type: DataTypes.DATE },
      },
      { sequelize, tableName: 'whatsapp_auth_keys', modelName: 'WhatsappAuthKey' },
    );
  }
}

export const WHATSAPP_PROVIDERS = ['baileys', 'twilio'] as const;
export type WhatsappProvider = (typeof WHATSAPP_PROVIDERS)[number];
export const WHATSAPP_STATUSES = ['disconnected', 'connecting', 'qr', 'open', 'logged_out', 'failed'] as const;
export type WhatsappStatus = (typeof WHATSAPP_STATUSES)[number];

/** The WhatsApp channel a business chose, whether the owner wants it connected, and its live status. */
export class WhatsappConnection extends Model<InferAttributes<WhatsappConnection>, InferCreationAttributes<WhatsappConnection>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare provider: CreationOptional<WhatsappProvider>;
  /** The owner asked to connect; cleared by logout and by the stops that need the owner (QR timeout, 440). */
  declare wanted: CreationOptional<boolean>;
  declare status: CreationOptional<WhatsappStatus>;
  declare qr: CreationOptional<string | null>;
  declare pairingPhoneE164: CreationOptional<string | null>;
  declare pairingCode: CreationOptional<string | null>;
  declare linkedE164: CreationOptional<string | null>;
  declare lastError: CreationOptional<string | null>;
  declare statusChangedAt: CreationOptional<Date>;
  declare outboundPerMinute: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    WhatsappConnection.init(
      {
        ...tenantColumns(),
        provider: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'baileys' },
        wanted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'disconnected' },
        qr: { type: DataTypes.TEXT, allowNull: true },
        pairingPhoneE164: { type: DataTypes.TEXT, allowNull: true },
        pairingCode: { type: DataTypes.TEXT, allowNull: true },
        linkedE164: { type: DataTypes.TEXT, allowNull: true },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        statusChangedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        outboundPerMinute: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 30 },
      },
      { sequelize, tableName: 'whatsapp_connections', modelName: 'WhatsappConnection' },
    );
  }
}

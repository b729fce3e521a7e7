import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export type NotificationChannel = 'sms' | 'whatsapp' | 'log' | 'in_app' | 'email';
export type NotificationStatus = 'pending' | 'sending' | 'sent' | 'failed';

/** One outgoing message, recorded under its idempotency key before it is sent. */
export class Notification extends Model<InferAttributes<Notification>, InferCreationAttributes<Notification>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare idempotencyKey: string;
  declare channel: NotificationChannel;
  declare recipient: string;
  declare sender: CreationOptional<string | null>;
  declare kind: string;
  declare body: string;
  declare status: CreationOptional<NotificationStatus>;
  declare provider: string;
  declare providerMessageId: CreationOptional<string | null>;
  declare attempts: CreationOptional<number>;
  declare lastError: CreationOptional<string | null>;
  declare sentAt: CreationOptional<Date | null>;
  declare appointmentId: CreationOptional<string | null>;
  declare leadId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Notification.init(
      {
        ...tenantColumns(),
        idempotencyKey: { type: DataTypes.TEXT, allowNull: false },
        channel: { type: DataTypes.TEXT, allowNull: false },
        recipient: { type: DataTypes.TEXT, allowNull: false },
        sender: { type: DataTypes.TEXT, allowNull: true },
        kind: { type: DataTypes.TEXT, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'pending' },
        provider: { type: DataTypes.TEXT, allowNull: false },
        providerMessageId: { type: DataTypes.TEXT, allowNull: true },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        sentAt: { type: DataTypes.DATE, allowNull: true },
        appointmentId: { type: DataTypes.UUID, allowNull: true },
        leadId: { type: DataTypes.UUID, allowNull: true },
      },
      { sequelize, tableName: 'notifications', modelName: 'Notification' },
    );
  }
}

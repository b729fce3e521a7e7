import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export type ConversationChannel = 'whatsapp' | 'sms' | 'web';

/** One thread per (business, channel, contact). */
export class Conversation extends Model<InferAttributes<Conversation>, InferCreationAttributes<Conversation>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare channel: ConversationChannel;
  declare contactE164: string;
  declare contactName: CreationOptional<string | null>;
  declare leadId: CreationOptional<string | null>;
  declare provider: CreationOptional<string>;
  /** Set while a human has taken the conversation over; the assistant stays silent. */
  declare takenOverByUserId: CreationOptional<string | null>;
  declare lastMessageAt: CreationOptional<Date | null>;
  declare workflowId: CreationOptional<string | null>;
  /** Inbound messages since a user last opened the conversation in the CRM. */
  declare unreadCount: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Conversation.init(
      {
        ...tenantColumns(),
        channel: { type: DataTypes.TEXT, allowNull: false },
        contactE164: { type: DataTypes.TEXT, allowNull: false },
        contactName: { type: DataTypes.TEXT, allowNull: true },
        leadId: { type: DataTypes.UUID, allowNull: true },
        provider: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'baileys' },
        takenOverByUserId: { type: DataTypes.UUID, allowNull: true },
        lastMessageAt: { type: DataTypes.DATE, allowNull: true },
        workflowId: { type: DataTypes.TEXT, allowNull: true },
        unreadCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'conversations', modelName: 'Conversation' },
    );
  }
}

export class Message extends Model<InferAttributes<Message>, InferCreationAttributes<Message>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare conversationId: string;
  declare direction: 'inbound' | 'outbound';
  declare providerMessageId: CreationOptional<string | null>;
  declare body: CreationOptional<string | null>;
  declare mediaType: CreationOptional<string | null>;
  declare mediaSizeBytes: CreationOptional<number | null>;
  declare status: CreationOptional<string>;
  declare authorUserId: CreationOptional<string | null>;
  declare idempotencyKey: CreationOptional<string | null>;
  declare sentAt: CreationOptional<Date | null>;
  /** The message as the provider gave it (Baileys WAMessage via BufferJSON), for getMessage on retries. */
  declare providerPayload: CreationOptional<object | null>;
  declare provider: CreationOptional<string | null>;
  declare attempts: CreationOptional<number>;
  declare lastError: CreationOptional<string | null>;
  /** Inbound: when its conversation workflow took it (signal-with-start succeeded); null while it waits for the sweeper. */
  declare deliveredAt: CreationOptional<Date | null>;
  declare deliveryAttempts: CreationOptional<number>;
  declare nextDeliveryAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Message.init(
      {
        ...tenantColumns(),
        conversationId: { type: DataTypes.UUID, allowNull: false },
        direction: { type: DataTypes.TEXT, allowNull: false },
        providerMessageId: { type: DataTypes.TEXT, allowNull: true },
        body: { type: DataTypes.TEXT, allowNull: true },
        mediaType: { type: DataTypes.TEXT, allowNull: true },
        mediaSizeBytes: { type: DataTypes.INTEGER, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'received' },
        authorUserId: { type: DataTypes.UUID, allowNull: true },
        idempotencyKey: { type: DataTypes.TEXT, allowNull: true },
        sentAt: { type: DataTypes.DATE, allowNull: true },
        providerPayload: { type: DataTypes.JSONB, allowNull: true },
        provider: { type: DataTypes.TEXT, allowNull: true },
        attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        lastError: { type: DataTypes.TEXT, allowNull: true },
        deliveredAt: { type: DataTypes.DATE, allowNull: true },
        deliveryAttempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        nextDeliveryAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'messages', modelName: 'Message' },
    );
  }
}

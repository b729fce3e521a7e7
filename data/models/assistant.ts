import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export const ASSISTANT_CHANNELS = ['voice', 'whatsapp'] as const;
export type AssistantChannel = (typeof ASSISTANT_CHANNELS)[number];

/** The assistant's voice and manner for one business; absent = the built-in defaults. */
export class AssistantSettings extends Model<InferAttributes<AssistantSettings>, InferCreationAttributes<AssistantSettings>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare assistantName: string;
  declare greeting: string;
  declare voice: string;
  declare vadThreshold: number;
  declare vadPrefixPaddingMs: number;
  declare vadSilenceDurationMs: number;
  /** transfer_to_human dials this number (E.164); null = the assistant takes a message instead. */
  declare transferPhoneE164: CreationOptional<string | null>;
  declare updatedByUserId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AssistantSettings.init(
      {
        ...tenantColumns(),
        assistantName: { type: DataTypes.TEXT, allowNull: false },
        greeting: { type: DataTypes.TEXT, allowNull: false },
        voice: { type: DataTypes.TEXT, allowNull: false },
        vadThreshold: { type: DataTypes.DOUBLE, allowNull: false },
        vadPrefixPaddingMs: { type: DataTypes.INTEGER, allowNull: false },
        vadSilenceDurationMs: { type: DataTypes.INTEGER, allowNull: false },
        transferPhoneE164: { type: DataTypes.TEXT, allowNull: true },
        updatedByUserId: { type: DataTypes.UUID, allowNull: true },
      },
      { sequelize, tableName: 'assistant_settings', modelName: 'AssistantSettings' },
    );
  }
}

/** One numbered version of a channel's instructions; exactly one per channel is active. */
export class AssistantInstruction extends Model<InferAttributes<AssistantInstruction>, InferCreationAttributes<AssistantInstruction>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare channel: AssistantChannel;
  declare version: number;
  declare body: string;
  declare isActive: CreationOptional<boolean>;
  declare restoredFromVersion: CreationOptional<number | null>;
  declare authorUserId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    AssistantInstruction.init(
      {
        ...tenantColumns(),
        channel: { type: DataTypes.TEXT, allowNull: false },
        version: { type: DataTypes.INTEGER, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        restoredFromVersion: { type: DataTypes.INTEGER, allowNull: true },
        authorUserId: { type: DataTypes.UUID, allowNull: true },
      },
      { sequelize, tableName: 'assistant_instructions', modelName: 'AssistantInstruction' },
    );
  }
}

export class FaqEntry extends Model<InferAttributes<FaqEntry>, InferCreationAttributes<FaqEntry>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare question: string;
  declare answer: string;
  declare channels: CreationOptional<AssistantChannel[]>;
  declare position: CreationOptional<number>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    FaqEntry.init(
      {
        ...tenantColumns(),
        question: { type: DataTypes.TEXT, allowNull: false },
        answer: { type: DataTypes.TEXT, allowNull: false },
        channels: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: ['voice', 'whatsapp'] },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'faq_entries', modelName: 'FaqEntry' },
    );
  }
}

/** A Twilio status or recording webhook already handled, keyed by CallSid + event. */
export class TwilioCallEvent extends Model<InferAttributes<TwilioCallEvent>, InferCreationAttributes<TwilioCallEvent>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare callSid: string;
  declare eventKey: string;
  declare payload: CreationOptional<Record<string, unknown>>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    TwilioCallEvent.init(
      {
        ...tenantColumns(),
        callSid: { type: DataTypes.TEXT, allowNull: false },
        eventKey: { type: DataTypes.TEXT, allowNull: false },
        payload: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
      },
      { sequelize, tableName: 'twilio_call_events', modelName: 'TwilioCallEvent' },
    );
  }
}

import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export interface TranscriptTurn {
  role: 'caller' | 'assistant' | 'system';
  text: string;
  at: string;
}

/** One tool the assistant ran during the call, as the CRM shows it. */
export interface CallToolCall {
  name: string;
  at: string;
  ok: boolean;
  args: Record<string, unknown>;
  result: Record<string, unknown>;
}

export class Call extends Model<InferAttributes<Call>, InferCreationAttributes<Call>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare callSid: string;
  declare direction: 'inbound' | 'outbound';
  declare fromE164: CreationOptional<string | null>;
  declare toE164: CreationOptional<string | null>;
  declare leadId: CreationOptional<string | null>;
  declare status: CreationOptional<string>;
  declare startedAt: CreationOptional<Date | null>;
  declare endedAt: CreationOptional<Date | null>;
  declare durationSeconds: CreationOptional<number | null>;
  declare recordingSid: CreationOptional<string | null>;
  declare recordingPath: CreationOptional<string | null>;
  declare recordingDeletedAt: CreationOptional<Date | null>;
  declare transcript: CreationOptional<TranscriptTurn[]>;
  declare summary: CreationOptional<string | null>;
  declare outcome: CreationOptional<string | null>;
  declare audioInSeconds: CreationOptional<number>;
  declare audioOutSeconds: CreationOptional<number>;
  declare inputTokens: CreationOptional<number>;
  declare outputTokens: CreationOptional<number>;
  declare costUsd: CreationOptional<string>;
  declare workflowId: CreationOptional<string | null>;
  declare toolCalls: CreationOptional<CallToolCall[]>;
  declare recordingDurationSeconds: CreationOptional<number | null>;
  declare recordingStoredAt: CreationOptional<Date | null>;
  declare recordingContentType: CreationOptional<string | null>;
  /** Outbound calls: the key the call was placed under (placing again with it finds this call). */
  declare idempotencyKey: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Call.init(
      {
        ...tenantColumns(),
        callSid: { type: DataTypes.TEXT, allowNull: false },
        direction: { type: DataTypes.TEXT, allowNull: false },
        fromE164: { type: DataTypes.TEXT, allowNull: true },
        toE164: { type: DataTypes.TEXT, allowNull: true },
        leadId: { type: DataTypes.UUID, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'ringing' },
        startedAt: { type: DataTypes.DATE, allowNull: true },
        endedAt: { type: DataTypes.DATE, allowNull: true },
        durationSeconds: { type: DataTypes.INTEGER, allowNull: true },
        recordingSid: { type: DataTypes.TEXT, allowNull: true },
        recordingPath: { type: DataTypes.TEXT, allowNull: true },
        recordingDeletedAt: { type: DataTypes.DATE, allowNull: true },
        transcript: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        summary: { type: DataTypes.TEXT, allowNull: true },
        outcome: { type: DataTypes.TEXT, allowNull: true },
        audioInSeconds: { type: DataTypes.DOUBLE, allowNull: false, defaultValue: 0 },
        audioOutSeconds: { type: DataTypes.DOUBLE, allowNull: false, defaultValue: 0 },
        inputTokens: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        outputTokens: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        costUsd: { type: DataTypes.DECIMAL(12, 6), allowNull: false, defaultValue: '0' },
        workflowId: { type: DataTypes.TEXT, allowNull: true },
        toolCalls: { type: DataTypes.JSONB, allowNull: false, defaultValue: [] },
        recordingDurationSeconds: { type: DataTypes.INTEGER, allowNull: true },
        recordingStoredAt: { type: DataTypes.DATE, allowNull: true },
        recordingContentType: { type: DataTypes.TEXT, allowNull: true },
        idempotencyKey: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: 'calls', modelName: 'Call' },
    );
  }
}

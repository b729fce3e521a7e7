import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

export const LEAD_SOURCES = ['call', 'whatsapp', 'web', 'api', 'crm', 'import'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];

export class Lead extends Model<InferAttributes<Lead>, InferCreationAttributes<Lead>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare fullName: string;
  declare phoneE164: CreationOptional<string | null>;
  declare email: CreationOptional<string | null>;
  declare source: LeadSource;
  declare statusKey: CreationOptional<string>;
  declare need: CreationOptional<string | null>;
  declare tags: CreationOptional<string[]>;
  declare ownerUserId: CreationOptional<string | null>;
  declare lastContactAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Lead.init(
      {
        ...tenantColumns(),
        fullName: { type: DataTypes.TEXT, allowNull: false },
        phoneE164: { type: DataTypes.TEXT, allowNull: true },
        email: { type: DataTypes.TEXT, allowNull: true },
        source: { type: DataTypes.TEXT, allowNull: false },
        statusKey: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'new' },
        need: { type: DataTypes.TEXT, allowNull: true },
        tags: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
        ownerUserId: { type: DataTypes.UUID, allowNull: true },
        lastContactAt: { type: DataTypes.DATE, allowNull: true },
      },
      { sequelize, tableName: 'leads', modelName: 'Lead' },
    );
  }
}

/** A business's own pipeline stage; every business starts with the default set. */
export class LeadStatus extends Model<InferAttributes<LeadStatus>, InferCreationAttributes<LeadStatus>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare key: string;
  declare labelHe: string;
  declare labelEn: string;
  declare color: CreationOptional<string>;
  declare position: number;
  declare isDefault: CreationOptional<boolean>;
  declare isWon: CreationOptional<boolean>;
  declare isLost: CreationOptional<boolean>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    LeadStatus.init(
      {
        ...tenantColumns(),
        key: { type: DataTypes.TEXT, allowNull: false },
        labelHe: { type: DataTypes.TEXT, allowNull: false },
        labelEn: { type: DataTypes.TEXT, allowNull: false },
        color: { type: DataTypes.TEXT, allowNull: false, defaultValue: '#64748b' },
        position: { type: DataTypes.INTEGER, allowNull: false },
        isDefault: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isWon: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        isLost: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: 'lead_statuses', modelName: 'LeadStatus' },
    );
  }
}

export class Note extends Model<InferAttributes<Note>, InferCreationAttributes<Note>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare leadId: string;
  declare authorUserId: CreationOptional<string | null>;
  declare body: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Note.init(
      {
        ...tenantColumns(),
        leadId: { type: DataTypes.UUID, allowNull: false },
        authorUserId: { type: DataTypes.UUID, allowNull: true },
        body: { type: DataTypes.TEXT, allowNull: false },
      },
      { sequelize, tableName: 'notes', modelName: 'Note' },
    );
  }
}

export type TaskStatus = 'open' | 'done' | 'cancelled';

export class Task extends Model<InferAttributes<Task>, InferCreationAttributes<Task>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare leadId: CreationOptional<string | null>;
  declare title: string;
  declare description: CreationOptional<string | null>;
  declare dueAt: CreationOptional<Date | null>;
  declare assigneeUserId: CreationOptional<string | null>;
  declare status: CreationOptional<TaskStatus>;
  declare completedAt: CreationOptional<Date | null>;
  /** Set by workflows so a retried activity creates the task once. */
  declare idempotencyKey: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Task.init(
      {
        ...tenantColumns(),
        leadId: { type: DataTypes.UUID, allowNull: true },
        title: { type: DataTypes.TEXT, allowNull: false },
        description: { type: DataTypes.TEXT, allowNull: true },
        dueAt: { type: DataTypes.DATE, allowNull: true },
        assigneeUserId: { type: DataTypes.UUID, allowNull: true },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'open' },
        completedAt: { type: DataTypes.DATE, allowNull: true },
        idempotencyKey: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: 'tasks', modelName: 'Task' },
    );
  }
}

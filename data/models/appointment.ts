import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import { tenantColumns } from './columns';

/** held and confirmed occupy the slot (the exclusion constraint covers them); the rest free it. */
export const APPOINTMENT_STATUSES = ['held', 'confirmed', 'cancelled', 'completed', 'no_show'] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export class Appointment extends Model<InferAttributes<Appointment>, InferCreationAttributes<Appointment>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare leadId: CreationOptional<string | null>;
  /** What is booked (a room, a chair, a person); one business may have several. */
  declare resourceKey: CreationOptional<string>;
  declare startsAt: Date;
  declare endsAt: Date;
  declare status: CreationOptional<AppointmentStatus>;
  declare title: CreationOptional<string | null>;
  declare notes: CreationOptional<string | null>;
  declare source: CreationOptional<string>;
  declare idempotencyKey: CreationOptional<string | null>;
  declare workflowId: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Appointment.init(
      {
        ...tenantColumns(),
        leadId: { type: DataTypes.UUID, allowNull: true },
        resourceKey: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'default' },
        startsAt: { type: DataTypes.DATE, allowNull: false },
        endsAt: { type: DataTypes.DATE, allowNull: false },
        status: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'held' },
        title: { type: DataTypes.TEXT, allowNull: true },
        notes: { type: DataTypes.TEXT, allowNull: true },
        source: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'crm' },
        idempotencyKey: { type: DataTypes.TEXT, allowNull: true },
        workflowId: { type: DataTypes.TEXT, allowNull: true },
      },
      { sequelize, tableName: 'appointments', modelName: 'Appointment' },
    );
  }
}

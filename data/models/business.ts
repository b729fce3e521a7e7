import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';
import type { WeeklyHoursRule, BookingRules } from './rule-types';

export type BusinessLocale = 'he' | 'en';

export class Business extends Model<InferAttributes<Business>, InferCreationAttributes<Business>> {
  declare id: CreationOptional<string>;
  declare name: string;
  declare locale: CreationOptional<BusinessLocale>;
  declare timezone: CreationOptional<string>;
  declare currency: CreationOptional<string>;
  declare weeklyHours: CreationOptional<WeeklyHoursRule>;
  declare bookingRules: CreationOptional<BookingRules>;
  declare reminderOffsetsMinutes: CreationOptional<number[]>;
  declare recordingEnabled: CreationOptional<boolean>;
  /** Days recordings are kept; null = the platform's RECORDING_RETENTION_DAYS. */
  declare recordingRetentionDays: CreationOptional<number | null>;
  declare lockedDown: CreationOptional<boolean>;
  declare lockdownReason: CreationOptional<string | null>;
  /** Owner alerts go here by SMS; null keeps them in the CRM only. */
  declare alertPhoneE164: CreationOptional<string | null>;
  /** Israeli tax file number (ח.פ. / ע.מ., nine digits), printed on invoices and receipts. */
  declare taxId: CreationOptional<string | null>;
  declare dealerType: CreationOptional<'licensed' | 'exempt' | 'company' | null>;
  declare billingAddress: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Business.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        name: { type: DataTypes.TEXT, allowNull: false },
        locale: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'he' },
        timezone: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'Asia/Jerusalem' },
        currency: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'ILS' },
        weeklyHours: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        bookingRules: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
        reminderOffsetsMinutes: { type: DataTypes.ARRAY(DataTypes.INTEGER), allowNull: false, defaultValue: [1440, 120] },
        recordingEnabled: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        recordingRetentionDays: { type: DataTypes.INTEGER, allowNull: true },
        lockedDown: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        lockdownReason: { type: DataTypes.TEXT, allowNull: true },
        alertPhoneE164: { type: DataTypes.TEXT, allowNull: true },
        taxId: { type: DataTypes.TEXT, allowNull: true },
        dealerType: { type: DataTypes.TEXT, allowNull: true },
        billingAddress: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'businesses', modelName: 'Business' },
    );
  }
}

export type PhoneNumberChannel = 'voice' | 'sms' | 'whatsapp';

/** A number a business answers on; the dialed `To` of a webhook is looked up here. */
export class PhoneNumber extends Model<InferAttributes<PhoneNumber>, InferCreationAttributes<PhoneNumber>> {
  declare id: CreationOptional<string>;
  declare businessId: string;
  declare e164: string;
  declare channels: CreationOptional<PhoneNumberChannel[]>;
  declare provider: CreationOptional<string>;
  declare label: CreationOptional<string | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    PhoneNumber.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        businessId: { type: DataTypes.UUID, allowNull: false },
        e164: { type: DataTypes.TEXT, allowNull: false },
        channels: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: ['voice', 'sms'] },
        provider: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'twilio' },
        label: { type: DataTypes.TEXT, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'phone_numbers', modelName: 'PhoneNumber' },
    );
  }
}

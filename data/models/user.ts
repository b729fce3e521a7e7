import {
  DataTypes,
  Model,
  type CreationOptional,
  type InferAttributes,
  type InferCreationAttributes,
  type Sequelize,
} from 'sequelize';

export const USER_ROLES = ['system_admin', 'owner', 'admin', 'agent'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<string>;
  /** Null only for system_admin, who belongs to the platform rather than a business. */
  declare businessId: string | null;
  declare email: string;
  declare fullName: string;
  declare role: UserRole;
  declare passwordHash: CreationOptional<string | null>;
  declare locale: CreationOptional<'he' | 'en'>;
  declare isActive: CreationOptional<boolean>;
  declare lastLoginAt: CreationOptional<Date | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    User.init(
      {
        id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
        businessId: { type: DataTypes.UUID, allowNull: true },
        email: { type: DataTypes.TEXT, allowNull: false },
        fullName: { type: DataTypes.TEXT, allowNull: false },
        role: { type: DataTypes.TEXT, allowNull: false },
        passwordHash: { type: DataTypes.TEXT, allowNull: true },
        locale: { type: DataTypes.TEXT, allowNull: false, defaultValue: 'he' },
        isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        lastLoginAt: { type: DataTypes.DATE, allowNull: true },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      {
        sequelize,
        tableName: 'users',
        modelName: 'User',
        defaultScope: { attributes: { exclude: ['passwordHash'] } },
      },
    );
  }
}

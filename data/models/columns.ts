import { DataTypes, type ModelAttributeColumnOptions } from 'sequelize';

/** The columns every tenant-owned table starts with. */
export function tenantColumns(): Record<'id' | 'businessId' | 'createdAt' | 'updatedAt', ModelAttributeColumnOptions> {
  return {
    id: { type: DataTypes.UUID, primaryKey: true, defaultValue: DataTypes.UUIDV4 },
    businessId: { type: DataTypes.UUID, allowNull: false },
    createdAt: { type: DataTypes.DATE },
    updatedAt: { type: DataTypes.DATE },
  };
}

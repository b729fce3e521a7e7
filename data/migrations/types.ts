export interface MigrationContext {
  /** Runs one statement inside the migration's transaction. */
  sql: (text: string) => Promise<void>;
  /** The login role the application uses (from DATABASE_URL), when it differs from the migration owner. */
  appRole: { name: string; password: string } | null;
}

export interface MigrationDefinition {
  name: string;
  up: (context: MigrationContext) => Promise<void>;
}

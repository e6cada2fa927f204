import type { Migration } from 'kysely';

// The oidc domain's tables (filled in by the domain's owner).
export const oidcMigration: Migration = {
  async up() {},
};

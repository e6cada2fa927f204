import type { Migration } from 'kysely';

// The bot domain's tables (filled in by the domain's owner).
export const botMigration: Migration = {
  async up() {},
};

import type { Migration } from 'kysely';

// The cards domain's tables (filled in by the domain's owner).
export const cardsMigration: Migration = {
  async up() {},
};

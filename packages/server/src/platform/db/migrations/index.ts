import type { Migration } from 'kysely';
import * as foundation from './0001_foundation';

/** Every migration, in order. Append; never edit one that has shipped. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
};

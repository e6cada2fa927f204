import type { Selectable } from 'kysely';

export interface BusinessesTable {
  id: string;
  slug: string;
  name: string;
  greeting: string | null;
  created_at: number;
}
export type BusinessRow = Selectable<BusinessesTable>;

export interface BusinessTables {
  businesses: BusinessesTable;
}

// Rows of the bot domain (filled in by the domain's owner).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- placeholder until the domain adds its tables
export interface BotTables {}

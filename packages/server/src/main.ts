import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { ConfigError, loadConfig } from './platform/config';

/** The only file that listens: read env, build, listen, stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const config = loadConfig(process.env, { webDistDir: path.resolve(here, '../../web/dist') });
  const app = await buildApp(config);
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Parley is running at ${config.publicUrl.origin} (data in ${config.databaseUrl ? 'PostgreSQL' : config.dataDir})`);
  const stop = async (): Promise<void> => {
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`Parley cannot start: ${error.message}`);
  } else {
    console.error('Parley failed to start:', error);
  }
  process.exit(1);
});

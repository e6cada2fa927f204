import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// Runs in a worker thread with its own connection to the same file. A PASSIVE checkpoint
// never blocks writers, and its fsyncs happen here instead of on the event loop.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy: next round */ } };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); checkpoint(); db.close(); parentPort.close(); });
`;

/** Stops the checkpointer after a last checkpoint. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Move SQLite's WAL checkpoints off the event loop. SQLite would otherwise checkpoint inside
 * whichever commit crosses 1,000 WAL pages — a stall of every socket for the length of a
 * checkpoint and its fsyncs. The main connection must run with `wal_autocheckpoint = 0`.
 */
export function startCheckpointer(file: string, everyMs = 1000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { file, driver, everyMs } });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Unref'd so it never holds the process open; while we wait for its last checkpoint it
      // must, or a CLI awaiting close() at top level would find an empty event loop and quit.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

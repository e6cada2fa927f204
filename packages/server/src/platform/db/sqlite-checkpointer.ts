import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Worker passes per round: each copies what was committed while the one before it ran. */
const maxPasses = 4;
/** A round stops passing once fewer frames than this were committed during its last pass. */
const smallTail = 64;

// Runs in a worker thread with its own connection to the same file. A PASSIVE checkpoint
// never blocks writers, and its copying and fsyncs happen here instead of on the event loop.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
// A pass answers { busy, log: frames in the WAL when it began, checkpointed: frames copied }.
const pass = () => { try { return db.pragma('wal_checkpoint(PASSIVE)')[0]; } catch { return undefined; } };
const round = () => {
  let last = pass();
  for (let n = 1; last && n < ${maxPasses}; n++) {
    const next = pass();
    if (!next) break;
    const tail = next.log - last.log;
    last = next;
    if (tail < ${smallTail}) break;
  }
  if (last && last.log > 0) parentPort.postMessage('finish');
};
const timer = setInterval(round, workerData.everyMs);
parentPort.on('message', () => { clearInterval(timer); pass(); db.close(); parentPort.close(); });
`;

/** Stops the checkpointer after a last checkpoint. */
export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Move SQLite's WAL checkpoints off the event loop, and keep the WAL from growing without end.
 *
 * SQLite would otherwise checkpoint inside whichever commit crosses 1,000 WAL pages: a stall of
 * every socket for the length of a checkpoint and its fsyncs. The main connection runs with
 * `wal_autocheckpoint = 0` and this worker checkpoints instead.
 *
 * But a checkpoint that runs beside a busy writer never catches up: it copies the frames that
 * were in the WAL when it began, and the writer has added more by the time it ends. The WAL
 * starts over from its beginning only when a commit finds every frame already copied, so
 * under steady load the WAL file and its index grew without bound (1.3 GB in 35 s of
 * bench:messaging). So each round the worker passes again over
 * what was committed during its previous pass, until that tail is small, and then
 * `finishRound` runs on the main connection, between two transactions: it copies the last
 * few frames and fsyncs them (p50 1.3 ms, p90 5 ms at 5,000 messages/s), so the next commit
 * restarts the WAL.
 */
export function startCheckpointer(file: string, finishRound: () => void, everyMs = 1000): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { file, driver, everyMs } });
  worker.on('message', () => finishRound());
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

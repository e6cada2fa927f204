import { createCipheriv, createDecipheriv, hash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../platform/config';
import { AppError } from '../platform/errors';
import { fillRandom } from '../platform/random-pool';
import { DataKeyCache } from './data-key.cache';

export const masterKeyFile = 'master.key';

/** The key file: every master key still in use, by id, and which one wraps new data keys. */
interface KeyFile {
  current: string;
  keys: Record<string, string>;
}

const ivBytes = 12;
const tagBytes = 16;
const lockWaitMs = 15_000;
const staleLockMs = 120_000;

/**
 * A master key's id: a SHA-256 fingerprint, so every node (and the env and the key file) names
 * the same key the same way without coordination. It says nothing useful about the key.
 */
export function masterKeyId(key: Buffer): string {
  return hash('sha256', Buffer.concat([Buffer.from('parley master key id\0'), key]), 'hex').slice(0, 16);
}

function decodeKey(encoded: string, where: string): Buffer {
  const key = Buffer.from(encoded.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} does not hold a 32-byte base64 key.`);
  return key;
}

/** AES-256-GCM: iv ‖ tag ‖ ciphertext, in one buffer. */
export function gcmSeal(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const sealed = Buffer.allocUnsafe(ivBytes + tagBytes + plaintext.length);
  const iv = sealed.subarray(0, ivBytes);
  fillRandom(iv);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad);
  // GCM is a stream mode: update returns exactly as many bytes as it was given, final none.
  const body = cipher.update(plaintext);
  if (body.length !== plaintext.length) throw new Error('AES-GCM returned a ciphertext of another length than its plaintext.');
  body.copy(sealed, ivBytes + tagBytes);
  cipher.final();
  cipher.getAuthTag().copy(sealed, ivBytes);
  return sealed;
}

/** Opens what gcmSeal made; throws ERR_SEAL_BROKEN when the key, the AAD or a byte differs. */
export function gcmOpen(key: Buffer, sealed: Buffer, aad: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, ivBytes));
    decipher.setAAD(aad);
    decipher.setAuthTag(sealed.subarray(ivBytes, ivBytes + tagBytes));
    return Buffer.concat([decipher.update(sealed.subarray(ivBytes + tagBytes)), decipher.final()]);
  } catch (error) {
    throw new AppError('ERR_SEAL_BROKEN', { cause: error });
  }
}

/**
 * The master keys of this process: from PARLEY_MASTER_KEY (+ PARLEY_MASTER_KEY_PREVIOUS), or
 * from `DATA_DIR/master.key` (mode 0600, made on first start). Master keys only wrap data keys;
 * they never touch data. In file mode the ring re-reads the file when it meets a key id it does
 * not hold and before it wraps, so `parley keys rotate` run beside a live server takes effect
 * there without a restart.
 */
export class KeyRing {
  readonly source: 'env' | 'file';
  readonly file: string;
  /** Unwrapped data keys, briefly (see DataKeyCache). */
  readonly dataKeys = new DataKeyCache();
  private keys = new Map<string, Buffer>();
  private currentId = '';
  private fileStamp = '';
  private readonly writes = new Set<Promise<void>>();

  constructor(config: Pick<Config, 'masterKey' | 'masterKeyPrevious' | 'dataDir'>) {
    this.file = path.join(config.dataDir, masterKeyFile);
    if (config.masterKey) {
      this.source = 'env';
      const current = decodeKey(config.masterKey, 'PARLEY_MASTER_KEY');
      this.currentId = masterKeyId(current);
      this.keys.set(this.currentId, current);
      for (const previous of config.masterKeyPrevious ?? []) {
        const key = decodeKey(previous, 'PARLEY_MASTER_KEY_PREVIOUS');
        this.keys.set(masterKeyId(key), key);
      }
    } else {
      this.source = 'file';
      this.createFileIfAbsent(config.dataDir);
      this.readFile();
    }
  }

  /** The id of the master key that wraps new data keys. */
  get current(): string {
    return this.currentId;
  }

  /** Ids of every master key this process holds. */
  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** The current master key itself; only for what must derive from it (legacy webhook secrets). */
  currentKey(): Buffer {
    return this.keys.get(this.currentId) as Buffer;
  }

  /** Wrap a data key under the current master key (re-reading the key file first if it changed). */
  wrap(dataKey: Buffer, aad: string): { wrapped: string; masterKeyId: string } {
    if (this.source === 'file') this.refreshIfChanged();
    const sealed = gcmSeal(this.currentKey(), dataKey, Buffer.from(aad));
    return { wrapped: sealed.toString('base64'), masterKeyId: this.currentId };
  }

  /** Unwrap; an unknown master key id makes the ring re-read its file once before it gives up. */
  unwrap(wrapped: string, masterKeyId: string, aad: string): Buffer {
    if (!this.keys.has(masterKeyId) && this.source === 'file') this.readFile();
    const key = this.keys.get(masterKeyId);
    if (!key) throw new AppError('ERR_MASTER_KEY_MISSING', { message: `Master key ${masterKeyId} is not loaded; see docs/privacy.md#master-key-rotation.` });
    return gcmOpen(key, Buffer.from(wrapped, 'base64'), Buffer.from(aad));
  }

  /**
   * Move every data key onto a new master key and forget the old ones. File mode: under the
   * key-file lock (held for the whole rotation, so two rotations never interleave), add a fresh
   * key and make it current, let `sweep` re-wrap the rows, then retire every other key. Env mode:
   * the operator already made the new key current; `sweep` re-wraps what is still under
   * PARLEY_MASTER_KEY_PREVIOUS, and removing that variable retires it.
   */
  async rotate(sweep: (currentId: string) => Promise<void>): Promise<{ current: string; retired: string[] }> {
    if (this.source === 'env') {
      await sweep(this.currentId);
      return { current: this.currentId, retired: [] };
    }
    return this.withFileLock(async () => {
      const file = this.readFile();
      const key = randomBytes(32);
      const id = masterKeyId(key);
      this.writeFile({ current: id, keys: Object.assign({}, file.keys, { [id]: key.toString('base64') }) });
      await sweep(id);
      const retired = Object.keys(this.readFile().keys).filter((other) => other !== id);
      this.writeFile({ current: id, keys: { [id]: key.toString('base64') } });
      return { current: id, retired };
    });
  }

  /** Track a wrap-then-insert in flight, so a rotation can wait until no row is being written under an old key. */
  async trackWrite<T>(write: () => Promise<T>): Promise<T> {
    const pending = write();
    const settled = pending.then(() => undefined, () => undefined);
    this.writes.add(settled);
    try {
      return await pending;
    } finally {
      this.writes.delete(settled);
    }
  }

  /** Resolves once every write that was in flight when called has finished (later ones do not hold it up). */
  async quiesce(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  private createFileIfAbsent(dataDir: string): void {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const key = randomBytes(32);
    const content: KeyFile = { current: masterKeyId(key), keys: { [masterKeyId(key)]: key.toString('base64') } };
    try {
      fs.writeFileSync(this.file, `${JSON.stringify(content)}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      // Made by an earlier start (or a racing process): use that one.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }

  private stamp(): string {
    const stat = fs.statSync(this.file);
    if ((stat.mode & 0o077) !== 0) throw new Error(`${this.file} is readable by other users; run \`chmod 600 ${this.file}\`.`);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  }

  private refreshIfChanged(): void {
    if (this.stamp() !== this.fileStamp) this.readFile();
  }

  /** Read the key file; a file of one base64 line (before versioned keys) is one key, current. */
  private readFile(): KeyFile {
    const stamp = this.stamp();
    const text = fs.readFileSync(this.file, 'utf8').trim();
    let parsed: KeyFile;
    if (text.startsWith('{')) {
      parsed = JSON.parse(text) as KeyFile;
    } else {
      const id = masterKeyId(decodeKey(text, this.file));
      parsed = { current: id, keys: { [id]: text } };
    }
    const keys = new Map(Object.entries(parsed.keys).map(([id, encoded]) => [id, decodeKey(encoded, this.file)]));
    if (!keys.has(parsed.current)) throw new Error(`${this.file} names a current key it does not hold.`);
    this.keys = keys;
    this.currentId = parsed.current;
    this.fileStamp = stamp;
    return parsed;
  }

  /** Write atomically (temp file, fsync, rename), mode 0600, so a crash leaves the old file or the new one. */
  private writeFile(content: KeyFile): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(temp, 'w', 0o600);
    try {
      fs.writeSync(fd, `${JSON.stringify(content)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, this.file);
    this.readFile();
  }

  /** Serialize key-file changes across processes (the CLI and a running server) with a lock file. */
  private async withFileLock<T>(change: () => Promise<T>): Promise<T> {
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + lockWaitMs;
    for (;;) {
      try {
        fs.writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        // A lock left by a crashed process is taken over once it is clearly stale; a live
        // holder touches it (below) so a long rotation never looks stale.
        const held = fs.statSync(lock, { throwIfNoEntry: false });
        if (held && Date.now() - held.mtimeMs > staleLockMs) fs.rmSync(lock, { force: true });
        if (Date.now() > deadline) throw new AppError('ERR_CONFLICT', { message: `${lock} is held by another process (a rotation?); try again.` });
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
    const touch = setInterval(() => {
      try {
        fs.utimesSync(lock, new Date(), new Date());
      } catch {
        // Gone (taken over as stale by another process): the rotation finishes; nothing to touch.
      }
    }, staleLockMs / 4);
    try {
      return await change();
    } finally {
      clearInterval(touch);
      fs.rmSync(lock, { force: true });
    }
  }
}

/**
 * The current master key, making the key file on first start: what webhooks' secret box
 * derived its key from before the key ring existed.
 */
export function loadMasterKey(config: Pick<Config, 'masterKey' | 'masterKeyPrevious' | 'dataDir'>): Buffer {
  return new KeyRing(config).currentKey();
}

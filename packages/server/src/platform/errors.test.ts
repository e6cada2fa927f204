import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorCatalog, errorCodes } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { AppError, errorBody } from './errors';

const docsPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/errors.md');

describe('error codes', () => {
  const docs = fs.readFileSync(docsPath, 'utf8');
  const documented = new Map(
    [...docs.matchAll(/^\| `(ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])]),
  );

  it.each(errorCodes)('%s is documented in docs/errors.md with its HTTP status', (code) => {
    expect(documented.get(code)).toBe(errorCatalog[code].status);
  });

  it('documents no code that does not exist', () => {
    expect([...documented.keys()].filter((code) => !(code in errorCatalog))).toEqual([]);
  });

  it('AppError carries code, status, the catalogue sentence and the cause', () => {
    const cause = new Error('db down');
    const error = new AppError('ERR_UNAVAILABLE', { cause });
    expect(error.code).toBe('ERR_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(error.message).toBe(errorCatalog.ERR_UNAVAILABLE.message);
    expect(error.cause).toBe(cause);
    expect(errorBody('ERR_NOT_FOUND')).toEqual({ error: { code: 'ERR_NOT_FOUND', message: errorCatalog.ERR_NOT_FOUND.message } });
  });
});

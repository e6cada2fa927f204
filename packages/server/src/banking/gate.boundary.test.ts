import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// "One gate" is a rule about the code, so it is checked on the code: only the gate imports the
// module that reads financial data from banks, and nothing outside banking/ reaches past the
// banking index to it.

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the one gate', () => {
  it('is the only importer of the bank reader', () => {
    const importers = sourceFiles(src)
      .filter((file) => /from '\.\/ob\.reader'|from '\.\.\/banking\/ob\.reader'/.test(fs.readFileSync(file, 'utf8')))
      .map((file) => path.relative(src, file))
      .filter((file) => !/^banking\/(gate\.service|data-cache)\.ts$/.test(file));
    expect(importers).toEqual([]);
  });

  it('is the only caller of fetchFromBank', () => {
    const callers = sourceFiles(src)
      .filter((file) => fs.readFileSync(file, 'utf8').includes('fetchFromBank('))
      .map((file) => path.relative(src, file));
    expect(callers.sort()).toEqual(['banking/gate.service.ts', 'banking/ob.reader.ts']);
  });
});

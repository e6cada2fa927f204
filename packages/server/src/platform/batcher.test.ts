import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher';

describe('createBatcher', () => {
  it('hands items added in one turn of the event loop to one flush, and later ones to the next', async () => {
    const flushes: number[][] = [];
    const batcher = createBatcher(async (items: number[]) => void flushes.push(items));
    await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    await batcher.add(4);
    expect(flushes).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every add of a failed batch, and goes on with the next', async () => {
    let fail = true;
    const batcher = createBatcher(async () => {
      if (fail) throw new Error('disk full');
    });
    const first = Promise.allSettled([batcher.add('a'), batcher.add('b')]);
    expect((await first).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.add('c')).resolves.toBeUndefined();
  });

  it('never runs two flushes at once', async () => {
    let active = 0;
    let most = 0;
    const batcher = createBatcher(async () => {
      most = Math.max(most, ++active);
      await new Promise((resolve) => setTimeout(resolve, 5));
      active--;
    });
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    await Promise.all([first, batcher.add(2)]);
    expect(most).toBe(1);
  });

  it('gives each add its own result when the flush answers per item', async () => {
    const batcher = createBatcher(async (items: number[]) => items.map((item) => item * 10));
    expect(await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)])).toEqual([10, 20, 30]);
  });

  it('holds a batch open for lingerMs when asked, gathering items added in later turns', async () => {
    const flushes: number[][] = [];
    let linger = 20;
    const batcher = createBatcher(async (items: number[]) => void flushes.push(items), { lingerMs: () => linger });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const first = batcher.add(1);
    await nextTurn();
    const second = batcher.add(2);
    await nextTurn();
    await Promise.all([first, second, batcher.add(3)]);
    linger = 0;
    const fourth = batcher.add(4);
    await nextTurn();
    await Promise.all([fourth, batcher.add(5)]);
    expect(flushes).toEqual([[1, 2, 3], [4], [5]]);
  });
});

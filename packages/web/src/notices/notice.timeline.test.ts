import type { Message, Notice } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import type { ThreadItem } from '../live/chat.state';
import { withNoticesPlaced } from './notice.timeline';

const conversationId = '3f1c2b1e-8a9d-4c51-9b7e-3c2d1f0a9b8c';

function message(seq: number, sentAt: number): ThreadItem {
  const stored: Message = { conversationId, seq, clientId: null, sender: 'business', content: { contentType: 'text', text: `m${seq}` }, sentAt };
  return { kind: 'message', key: `seq-${seq}`, message: stored, delivery: null };
}

function notice(name: string, sentAt: number): Notice {
  return { id: `00000000-0000-4000-8000-00000000000${name}`, businessId: 'b6c8f1a2-0000-4000-8000-000000000001', text: name, sentAt };
}

const keys = (items: { key: string }[]) => items.map((item) => item.key);

describe('notices placed among a conversation’s messages', () => {
  it('puts each notice at its time, after a message sent in the same ms, and the newest at the end', () => {
    const items = [message(1, 100), message(2, 200), message(3, 300)];
    const placed = withNoticesPlaced(items, [notice('1', 50), notice('2', 200), notice('3', 250), notice('4', 900)]);
    expect(keys(placed)).toEqual([
      'notice-00000000-0000-4000-8000-000000000001',
      'seq-1',
      'seq-2',
      'notice-00000000-0000-4000-8000-000000000002',
      'notice-00000000-0000-4000-8000-000000000003',
      'seq-3',
      'notice-00000000-0000-4000-8000-000000000004',
    ]);
  });

  it('leaves the messages alone when there are no notices, and shows notices alone in an empty conversation', () => {
    const items = [message(1, 100)];
    expect(withNoticesPlaced(items, [])).toEqual(items);
    expect(withNoticesPlaced([], [notice('1', 50)]).map((item) => item.kind)).toEqual(['notice']);
  });
});

/** Bank notices over HTTP: one bank's notices, and which banks the person follows. Live notices come over the socket. */
import type { NoticeFollow, NoticeFollowList, NoticeList } from '@parley/protocol';
import { request } from './http.client';

/** One bank's notices since the person started following it, newest first; `before` (the oldest notice's id held) for an older page. */
export function listNotices(businessId: string, options: { before?: string; limit: number }): Promise<NoticeList> {
  const query = new URLSearchParams({ businessId, limit: String(options.limit) });
  if (options.before !== undefined) query.set('before', options.before);
  return request<NoticeList>('GET', `/v1/notices?${query}`);
}

/** Every bank the person talks to or linked, with whether they follow its notices. */
export async function listNoticeFollows(): Promise<NoticeFollow[]> {
  return (await request<NoticeFollowList>('GET', '/v1/notice-follows')).businesses;
}

export function updateNoticeFollow(businessId: string, following: boolean): Promise<NoticeFollow> {
  return request<NoticeFollow>('PUT', `/v1/notice-follows/${encodeURIComponent(businessId)}`, { body: { following } });
}

/** A bank's notice in its conversation: one text to everyone who follows the bank, not a message to the person. */
import type { Notice } from '@parley/protocol';
import { formatTime } from '../ui/format';
import { MegaphoneIcon } from './notice.icons';
import './notices.css';

export function NoticeCard(props: { notice: Notice; businessName: string }) {
  const { notice, businessName } = props;
  const headingId = `notice-${notice.id}-heading`;
  return (
    <li className="bank-notice-row" data-notice={notice.id}>
      <article className="bank-notice" aria-labelledby={headingId}>
        <header className="bank-notice-header">
          <span className="bank-notice-icon">
            <MegaphoneIcon />
          </span>
          <span className="bank-notice-from">
            <span className="bank-notice-title" id={headingId}>
              Notice from {businessName}
            </span>
            <span className="bank-notice-audience">To everyone who follows its notices</span>
          </span>
        </header>
        <p className="bank-notice-text">{notice.text}</p>
        <time className="bank-notice-time" dateTime={new Date(notice.sentAt).toISOString()}>
          {formatTime(notice.sentAt)}
        </time>
      </article>
    </li>
  );
}

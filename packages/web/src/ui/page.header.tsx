import type { RefObject } from 'react';
import { Link } from '../router';
import { BackIcon } from './icons';

/**
 * The header of a page beside the conversations (Account, Money, Privacy Center): the way back
 * and the page's title, which takes focus when the page opens (`headingRef`).
 */
export function PageHeader({ title, headingRef }: { title: string; headingRef: RefObject<HTMLHeadingElement | null> }) {
  return (
    <header className="page-header">
      <Link to="/app" className="back-link">
        <BackIcon />
        <span className="sr-only">Back to conversations</span>
      </Link>
      <h1 ref={headingRef} tabIndex={-1}>
        {title}
      </h1>
    </header>
  );
}

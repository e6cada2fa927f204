/** The notices icon. Decorative: each caller gives the accessible text. */

export const MegaphoneIcon = () => (
  <svg viewBox="0 0 24 24" width="1em" height="1em" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M4 10.2v3.6a1 1 0 0 0 1 1h2.5L16 19V5L7.5 9.2H5a1 1 0 0 0-1 1z" />
    <path d="M7.5 14.8l1.3 4.4a1 1 0 0 0 1 .8h1.1a.8.8 0 0 0 .8-1l-1-3.2" />
    <path d="M19.5 9.5a3.5 3.5 0 0 1 0 5" />
  </svg>
);

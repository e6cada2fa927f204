import type { MoneySource } from '@parley/protocol';
import { formatTime } from '../ui/format';

/** "From Sandbox Bank at 12:03": where and when what is on screen was read. */
export function SourceLine(props: { source: MoneySource }) {
  return (
    <p className="source-line muted small">
      From {props.source.institution.name} at <time dateTime={new Date(props.source.fetchedAt).toISOString()}>{formatTime(props.source.fetchedAt)}</time>
    </p>
  );
}

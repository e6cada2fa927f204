import type { MessageContent } from '@parley/protocol';

/**
 * Renders by content type. Types this version does not know (templates, sealed payloads from a
 * newer server) get a neutral placeholder, never raw data.
 */
export function MessageBody(props: { content: MessageContent }) {
  const content = props.content as MessageContent | { contentType: string };
  switch (content.contentType) {
    case 'text':
      return <p className="message-text">{(content as Extract<MessageContent, { contentType: 'text' }>).text}</p>;
    default:
      return <p className="message-unsupported">This message can’t be shown here.</p>;
  }
}

import type { MessageContent } from '@parley/protocol';
import { RichContent } from './content/message.content';

/**
 * Renders by content type. Types this version does not know (templates, sealed payloads from a
 * newer server) get a neutral placeholder, never raw data.
 */
export function MessageBody(props: { content: MessageContent; conversationId: string | null }) {
  const content = props.content as MessageContent | { contentType: string };
  switch (content.contentType) {
    case 'text':
      return <p className="message-text">{(content as Extract<MessageContent, { contentType: 'text' }>).text}</p>;
    default:
      return <RichContent content={props.content} conversationId={props.conversationId} />;
  }
}

export function InboxPage(_props: { conversationId: string | null }) {
  return <p className="pad">Inbox</p>;
}

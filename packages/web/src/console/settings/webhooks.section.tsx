export function WebhooksSection() {
  return <p>Webhooks</p>;
}

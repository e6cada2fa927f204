// PARLEY_URL=https://parley.example PARLEY_API_KEY=pk_… PARLEY_WEBHOOK_SECRET=whsec_… PORT=8080 npx tsx bot.ts
import http from 'node:http';
import { ParleyClient, verifyWebhook, WebhookVerificationError, type BusinessContent, type WebhookEvent } from '@parley/sdk';

const env = (name: string): string => process.env[name] ?? (console.error(`set ${name}`), process.exit(1));
const parley = new ParleyClient({ baseUrl: env('PARLEY_URL'), apiKey: env('PARLEY_API_KEY') });
const secrets = [env('PARLEY_WEBHOOK_SECRET')];
const seen = new Set<string>(); // webhook-ids handled; in production keep them a few days in your database

const balance = (): BusinessContent => ({
  contentType: 'template.balance',
  accounts: [{ name: 'Everyday account', mask: '1234', balance: { amount: '1520.35', currency: 'EUR' } }],
  asOf: new Date().toISOString(),
});

function answerTo(event: WebhookEvent): BusinessContent | null {
  if (event.type === 'message.created') {
    const { sender, content } = event.data.message;
    if (sender !== 'person' || content.contentType !== 'text') return null;
    return content.text.trim().toLowerCase() === 'balance' ? balance() : null;
  }
  if (event.type === 'postback') {
    return event.data.payload === 'BALANCE' ? balance() : { contentType: 'text', text: `You chose “${event.data.title}”.` };
  }
  return null;
}

async function handle(webhookId: string, event: WebhookEvent): Promise<void> {
  if (seen.has(webhookId)) return;
  seen.add(webhookId);
  const content = answerTo(event);
  if (!content || !('bsid' in event.data)) return;
  // One key per event: if Parley redelivers it after a restart, the person still gets one answer.
  await parley.sendMessage({ bsid: event.data.bsid, messagingType: 'RESPONSE', content }, { idempotencyKey: `answer-${webhookId}` });
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    let event: WebhookEvent;
    try {
      event = verifyWebhook(req.headers, Buffer.concat(chunks), secrets);
    } catch (error) {
      res.writeHead(error instanceof WebhookVerificationError ? 400 : 500).end();
      return;
    }
    res.writeHead(204).end(); // answer first: Parley waits 15 s at most
    handle(String(req.headers['webhook-id']), event).catch((error: unknown) => console.error('answering failed', error));
  });
});
server.listen(Number(process.env.PORT ?? 8080), () => console.log(`bot listening on ${JSON.stringify(server.address())}`));

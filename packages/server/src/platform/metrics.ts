import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance (a registry each, so tests can build many apps). */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly openSockets: Gauge;
  readonly messagesPersisted: Counter;
  readonly commitBatchSize: Histogram;
  readonly framesRejected: Counter<'code'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'parley_http_request_duration_seconds',
      help: 'HTTP request latency by route and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    openSockets: new Gauge({ name: 'parley_ws_open_sockets', help: 'WebSocket connections open now.', registers: [registry] }),
    messagesPersisted: new Counter({
      name: 'parley_messages_persisted_total',
      help: 'Messages committed to the database.',
      registers: [registry],
    }),
    commitBatchSize: new Histogram({
      name: 'parley_commit_batch_size',
      help: 'Messages per group-commit transaction.',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024],
      registers: [registry],
    }),
    framesRejected: new Counter({
      name: 'parley_ws_frames_rejected_total',
      help: 'WebSocket frames refused, by error code.',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

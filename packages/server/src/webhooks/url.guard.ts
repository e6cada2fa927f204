import dns from 'node:dns';
import net from 'node:net';
import { buildConnector } from 'undici';
import { AppError } from '../platform/errors';
import { ForbiddenAddressError, isForbiddenAddress } from './address.policy';

/** Every address a host name resolves to. */
export type ResolveAll = (hostname: string) => Promise<readonly { address: string; family: number }[]>;

const systemResolveAll: ResolveAll = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

function forbidden(message: string): AppError {
  return new AppError('ERR_WEBHOOK_URL_FORBIDDEN', { message });
}

/**
 * The registration check of an endpoint URL: https, no user name or password, and a host that
 * resolves only to public addresses — unless the operator allows private targets (then http
 * and loopback are fine: the Sandbox Bank runs on localhost in dev). Returns the URL to store.
 * Delivery checks again on the address actually connected to (see `guardedConnector`), since
 * DNS may answer differently by then.
 */
export async function checkEndpointUrl(raw: string, options: { allowPrivate: boolean; resolveAll?: ResolveAll }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('ERR_VALIDATION', { message: 'url must be an absolute URL such as https://bot.bank.example/webhooks.' });
  }
  const schemes = options.allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) throw forbidden('Webhook endpoints must use https.');
  if (url.username || url.password) throw forbidden('Webhook URLs may not carry a user name or password.');
  url.hash = '';
  if (options.allowPrivate) return url;

  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (net.isIP(host)) {
    if (isForbiddenAddress(host)) throw forbidden('Webhook endpoints must be on the public internet, not a private, loopback, link-local or metadata address.');
    return url;
  }
  let addresses: readonly { address: string }[];
  try {
    addresses = await (options.resolveAll ?? systemResolveAll)(host);
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) throw forbidden(`The host ${host} does not resolve, so it cannot be checked.`);
  if (addresses.some((a) => isForbiddenAddress(a.address))) {
    throw forbidden(`The host ${host} resolves to a private, loopback, link-local or metadata address.`);
  }
  return url;
}

/** A DNS lookup for `net.connect` that refuses to hand over a forbidden address. */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, Object.assign({}, options, { all: true as const }), (error, addresses) => {
    if (error) return callback(error, []);
    const bad = addresses.find((a) => isForbiddenAddress(a.address));
    if (bad) return callback(new ForbiddenAddressError(hostname, bad.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} does not resolve.`), []);
    callback(null, first.address, first.family);
  });
};

/**
 * An undici `connect` that cannot reach a private, loopback, link-local or metadata address:
 * an IP literal is checked before connecting, a host name is checked in the DNS lookup of this
 * very connection (so a rebinding DNS answer is caught), and the connected socket's peer
 * address is checked once more before a byte is written.
 */
export function guardedConnector(options: { timeoutMs: number }): buildConnector.connector {
  const connect = buildConnector({ timeout: options.timeoutMs, lookup: guardedLookup });
  return (target, callback) => {
    if (net.isIP(target.hostname) && isForbiddenAddress(target.hostname)) {
      callback(new ForbiddenAddressError(target.hostname, target.hostname), null);
      return;
    }
    connect(target, (error, socket) => {
      if (error || !socket) {
        callback(error ?? new Error('connection failed'), null);
        return;
      }
      const peer = socket.remoteAddress;
      if (!peer || isForbiddenAddress(peer)) {
        socket.destroy();
        callback(new ForbiddenAddressError(target.hostname, peer ?? 'an unknown address'), null);
        return;
      }
      callback(null, socket);
    });
  };
}

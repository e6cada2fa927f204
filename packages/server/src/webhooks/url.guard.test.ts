import { describe, expect, it } from 'vitest';
import { AppError } from '../platform/errors';
import { isForbiddenAddress } from './address.policy';
import { checkEndpointUrl, type ResolveAll } from './url.guard';

describe('isForbiddenAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '100.64.0.1', '100.100.100.200',
    '169.254.169.254', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '198.18.0.1',
    '::1', '::', '[::1]', 'fc00::1', 'fd00:ec2::254', 'fe80::1', 'fe80::1%eth0', 'ff02::1',
    '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254',
    '64:ff9b::127.0.0.1', '64:ff9b::a00:1', '2002:7f00:1::1', '2002:a9fe:a9fe::', '2001:0:4136:e378::1', '2001:db8::1',
    'not-an-address', '',
  ])('refuses %s', (address) => {
    expect(isForbiddenAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:93.184.216.34', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows the public address %s',
    (address) => {
      expect(isForbiddenAddress(address)).toBe(false);
    },
  );
});

describe('checkEndpointUrl', () => {
  const resolvesTo = (...addresses: string[]): ResolveAll => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  const codeOf = async (run: Promise<unknown>): Promise<string> => {
    try {
      await run;
      return 'accepted';
    } catch (error) {
      if (error instanceof AppError) return error.code;
      throw error;
    }
  };
  const strict = { allowPrivate: false };

  it('accepts an https URL whose host resolves only to public addresses, and drops the fragment', async () => {
    const url = await checkEndpointUrl('https://bot.bank.example/hooks?x=1#frag', { ...strict, resolveAll: resolvesTo('93.184.216.34', '2606:4700::1111') });
    expect(url.href).toBe('https://bot.bank.example/hooks?x=1');
  });

  it('refuses a host when any of its addresses is private, and a host that does not resolve', async () => {
    expect(await codeOf(checkEndpointUrl('https://mixed.example/', { ...strict, resolveAll: resolvesTo('93.184.216.34', '10.1.2.3') }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
    expect(await codeOf(checkEndpointUrl('https://metadata.example/', { ...strict, resolveAll: resolvesTo('169.254.169.254') }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
    expect(await codeOf(checkEndpointUrl('https://nowhere.example/', { ...strict, resolveAll: resolvesTo() }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
    const failing: ResolveAll = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await codeOf(checkEndpointUrl('https://nxdomain.example/', { ...strict, resolveAll: failing }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
  });

  it('refuses http, other schemes and credentials; a non-URL is a validation error', async () => {
    const resolveAll = resolvesTo('93.184.216.34');
    for (const url of ['http://bot.bank.example/', 'ftp://bot.bank.example/', 'https://user:pw@bot.bank.example/', 'https://user@bot.bank.example/']) {
      expect(await codeOf(checkEndpointUrl(url, { ...strict, resolveAll }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
    }
    expect(await codeOf(checkEndpointUrl('bot.bank.example/hooks', { ...strict, resolveAll }))).toBe('ERR_VALIDATION');
  });

  it('lets the operator allow http and private targets (dev), but still no credentials', async () => {
    const resolveAll = resolvesTo('127.0.0.1');
    expect(await codeOf(checkEndpointUrl('http://localhost:4000/hooks', { allowPrivate: true, resolveAll }))).toBe('accepted');
    expect(await codeOf(checkEndpointUrl('https://10.0.0.1/', { allowPrivate: true }))).toBe('accepted');
    expect(await codeOf(checkEndpointUrl('http://u:p@localhost/', { allowPrivate: true }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
    expect(await codeOf(checkEndpointUrl('file:///etc/passwd', { allowPrivate: true }))).toBe('ERR_WEBHOOK_URL_FORBIDDEN');
  });
});

import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, recordContext, screenshot, startParley, type RunningParley } from './harness';
import { newPerson, signUpWithPassword } from './people';

/** The registration id Chromium gives Parley's service worker, as DevTools sees it. */
async function serviceWorkerRegistration(cdp: CDPSession, scope: string): Promise<string> {
  const found = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => registration.scopeURL === scope && !registration.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  return found;
}

function notificationsOn(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });
}

describe('notifications on a device with Parley closed', () => {
  let parley: RunningParley;
  let browser: Browser;
  let context: BrowserContext;
  let log: string[] = [];

  beforeAll(async () => {
    parley = await startParley();
    browser = await launchChromium();
  });
  afterEach(({ task }) => {
    if (task.result?.state === 'fail') console.log(log.join('\n'));
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await parley?.close();
  });

  it('shows a pushed alert only while no Parley window is on screen, and says plainly when the push service is out of reach', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    log = recordContext(context);
    await context.grantPermissions(['notifications'], { origin: parley.baseUrl });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const registration = serviceWorkerRegistration(cdp, `${parley.baseUrl}/`);
    await page.goto(`${parley.baseUrl}/app`);
    await signUpWithPassword(page, newPerson('Mary Jackson'));
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { name: 'Notifications' }).waitFor();

    // This machine is offline: the browser's push service cannot be reached, and the page says so.
    await page.getByRole('button', { name: 'Turn on notifications on this device' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not reach its push service' }).waitFor();
    await screenshot(page, 'push-account-offline');

    // The service worker was installed on the way; deliver pushes to it as the push service would.
    const registrationId = await registration;
    const push = (tag: string) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: parley.baseUrl,
        registrationId,
        data: JSON.stringify({ title: 'Sandbox Bank', body: 'Did you just spend €842.10 at Loja Electrónica?', url: '/app', tag }),
      });

    await push('alert-while-open');
    expect(await notificationsOn(page)).toEqual([]);

    await page.goto('about:blank');
    await push('alert-while-closed');
    await push('alert-while-closed');
    await page.goto(`${parley.baseUrl}/app/account`);
    await expect.poll(() => notificationsOn(page)).toEqual([{ title: 'Sandbox Bank', body: 'Did you just spend €842.10 at Loja Electrónica?', tag: 'alert-while-closed' }]);
  });
});

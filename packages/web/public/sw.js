/* Parley's service worker: shows an alert that arrived by Web Push while no Parley window is on
 * screen, and opens the bank's conversation when the notification is tapped. It caches nothing. */

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  event.waitUntil(showUnlessOnScreen(event.data));
});

async function showUnlessOnScreen(data) {
  let payload = null;
  try {
    payload = data ? data.json() : null;
  } catch {
    payload = null;
  }
  if (!payload || typeof payload.title !== 'string') return;
  // A visible Parley window already shows the alert live; a second copy would only be noise.
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (windows.some((client) => client.visibilityState === 'visible')) return;
  await self.registration.showNotification(payload.title, {
    body: payload.body,
    // The alert id: a repeated delivery replaces the notification instead of adding one.
    tag: payload.tag,
    data: { url: payload.url },
    requireInteraction: true,
  });
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openConversation(event.notification.data && event.notification.data.url));
});

async function openConversation(path) {
  const target = new URL(typeof path === 'string' ? path : '/app', self.location.origin);
  // Only Parley's own pages: a payload can never send the person elsewhere.
  if (target.origin !== self.location.origin) return;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === target.origin);
  if (open) {
    await open.focus();
    if ('navigate' in open) await open.navigate(target.href);
    return;
  }
  await self.clients.openWindow(target.href);
}

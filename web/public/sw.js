// Tribune's service worker: only Web Push. A followed or reminded Space went live: show it, and
// open its page on a click. The payload is JSON sent by the server's PushNotifier.
self.addEventListener('push', (event) => {
  let data = null;
  try { data = event.data ? event.data.json() : null; } catch { data = null; }
  if (!data || data.type !== 'space.live') return;
  event.waitUntil(self.registration.showNotification(data.title, {
    body: data.host, tag: `live-${data.spaceId}`, data: { url: data.url }, lang: '', requireInteraction: false,
  }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  if (!url) return;
  event.waitUntil((async () => {
    const open = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const same = open.find((c) => c.url === url);
    if (same) return same.focus();
    return self.clients.openWindow(url);
  })());
});

import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { call } from '../lib/api.js';

function keyBytes(base64url: string): Uint8Array {
  const raw = atob(base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

const supported = () => typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window;

/**
 * "Notify me on this device": a Web Push subscription (VAPID) for the Spaces this account follows or
 * asked to be reminded of. Shown only where the browser can do it; the in-app notice works anyway.
 */
export function PushToggle() {
  const [state, setState] = useState<'unknown' | 'off' | 'on' | 'denied' | 'failed'>('unknown');
  useEffect(() => {
    if (!supported()) return;
    if (Notification.permission === 'denied') { setState('denied'); return; }
    void navigator.serviceWorker.getRegistration('/').then(async (reg) => setState((await reg?.pushManager.getSubscription()) ? 'on' : 'off'), () => setState('off'));
  }, []);
  if (!supported() || state === 'unknown') return null;

  async function enable() {
    try {
      if ((await Notification.requestPermission()) !== 'granted') { setState('denied'); return; }
      const reg = await navigator.serviceWorker.register('/sw.js');
      await navigator.serviceWorker.ready;
      const { publicKey } = await call<{ publicKey: string }>('GET', '/api/v1/push/key');
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) as BufferSource });
      const json = sub.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } };
      await call<void>('POST', '/api/v1/me/push-subscriptions', { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } });
      setState('on');
    } catch { setState('failed'); }
  }

  async function disable() {
    const reg = await navigator.serviceWorker.getRegistration('/');
    const sub = await reg?.pushManager.getSubscription();
    if (sub) {
      await call<void>('DELETE', '/api/v1/me/push-subscriptions', { endpoint: sub.endpoint }).catch(() => {});
      await sub.unsubscribe();
    }
    setState('off');
  }

  return (
    <span class="push">
      {state === 'on'
        ? <button type="button" aria-pressed="true" onClick={disable}>{t('push.on')}</button>
        : <button type="button" aria-pressed="false" onClick={enable} disabled={state === 'denied'}>{t('push.enable')}</button>}
      <span role="status" class="notice">{state === 'denied' ? t('push.denied') : state === 'failed' ? t('push.failed') : ''}</span>
    </span>
  );
}

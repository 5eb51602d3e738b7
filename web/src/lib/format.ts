import { lang } from '../i18n/index.js';

/** Dates, times and numbers through Intl, in the viewer's own time zone and language. */
export function formatDateTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: 'full', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}

export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(ms));
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(lang()).format(n);
}

/** The viewer's own zone, named in their language ("heure normale d’Europe centrale"). */
export function viewerTimeZoneName(at: Date): string {
  const parts = new Intl.DateTimeFormat(lang(), { timeZoneName: 'long' }).formatToParts(at);
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** "in 2 hours", "dans 3 minutes": the largest unit that is at least one. */
export function formatCountdown(msLeft: number): string {
  const rtf = new Intl.RelativeTimeFormat(lang(), { numeric: 'auto' });
  const s = Math.max(0, Math.round(msLeft / 1000));
  if (s >= 86_400) return rtf.format(Math.round(s / 86_400), 'day');
  if (s >= 3_600) return rtf.format(Math.round(s / 3_600), 'hour');
  if (s >= 60) return rtf.format(Math.round(s / 60), 'minute');
  return rtf.format(s, 'second');
}

/** h:mm:ss or m:ss for a media position. */
export function formatClock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

import en from './en.json';
import fr from './fr.json';

export type Lang = 'en' | 'fr';
export type MessageKey = keyof typeof en;

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { en, fr };
const STORAGE_KEY = 'tribune.lang';

function initialLang(): Lang {
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  // The browser's own order of preference: the first language we have wins.
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

function safeStorage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

let current: Lang = initialLang();
const listeners = new Set<() => void>();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  safeStorage()?.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** A message with {name} placeholders filled in; numbers are formatted for the current language. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const template = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) return `{${name}}`;
    return typeof value === 'number' ? new Intl.NumberFormat(current).format(value) : value;
  });
}

/** Plural messages are two keys, `<key>.one` and `<key>.other`, chosen by Intl.PluralRules. */
export function tn(base: string, count: number, vars: Record<string, string | number> = {}): string {
  const form = new Intl.PluralRules(current).select(count) === 'one' ? 'one' : 'other';
  return t(`${base}.${form}` as MessageKey, { count, ...vars });
}

document.documentElement.lang = current;

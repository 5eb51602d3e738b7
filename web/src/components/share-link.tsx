import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';

/** A link to copy (the clipboard API when the page may use it, else the text is selected for the user). */
export function ShareLink({ url: given, label, id }: { url: string; label: string; id: string }) {
  const [copied, setCopied] = useState(false);
  // The server hands out paths unless it knows its public address: share the address this page has.
  const url = new URL(given, location.href).href;
  async function copy() {
    const input = document.getElementById(id) as HTMLInputElement;
    input.select();
    try { await navigator.clipboard.writeText(url); setCopied(true); } catch { setCopied(false); }
  }
  return (
    <div class="share">
      <label for={id}>{label}</label>
      <div class="row">
        <input id={id} readOnly value={url} onFocus={(e) => (e.currentTarget as HTMLInputElement).select()} />
        <button type="button" onClick={copy}>{t('share.copy')}</button>
      </div>
      <p role="status" class="notice">{copied ? t('share.copied') : ''}</p>
    </div>
  );
}

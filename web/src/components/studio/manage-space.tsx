import { useState } from 'preact/hooks';
import { t } from '../../i18n/index.js';
import { api } from '../../lib/api.js';
import { errorText } from '../../lib/error-text.js';
import type { Space } from '../../lib/types.js';
import { browserTimeZone, instantOf, localOf, timeZones } from '../../lib/zoned-time.js';
import { CharCount } from '../char-count.js';

const LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt', 'ar'] as const;
const TITLE_MAX = 120;
const DESCRIPTION_MAX = 2000;

/** Before it starts: edit the Space (title, description, language, time in a chosen zone), or cancel it. */
export function ManageSpace({ space, onChange }: { space: Space; onChange: (space: Space) => void }) {
  const [title, setTitle] = useState(space.title);
  const [description, setDescription] = useState(space.description);
  const [language, setLanguage] = useState(space.language);
  const [zone, setZone] = useState(space.timeZone ?? browserTimeZone());
  const [when, setWhen] = useState(space.scheduledStart ? localOf(Date.parse(space.scheduledStart), space.timeZone ?? browserTimeZone()) : '');
  const [message, setMessage] = useState('');
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  async function save(e: Event) {
    e.preventDefault();
    if (!title.trim()) { setMessage(t('home.titleRequired')); return; }
    try {
      const updated = await api.updateSpace(space.id, {
        title: title.trim(), description: description.trim(), language,
        ...(when ? { scheduledStart: new Date(instantOf(when, zone)).toISOString(), timeZone: zone } : {}),
      });
      onChange(updated);
      setMessage(t('manage.saved'));
    } catch (err) { setMessage(errorText(err, 'manage.invalid')); }
  }

  async function deleteSpace() {
    try {
      await api.deleteSpace(space.id);
      location.assign('/');
    } catch (err) { setMessage(errorText(err)); }
  }

  const deleteButtons = !confirmDelete
    ? <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>{t('manage.delete')}</button>
    : <>
        <button type="button" class="danger" onClick={deleteSpace}>{t('manage.confirmDelete')}</button>
        <button type="button" onClick={() => setConfirmDelete(false)}>{t('common.cancel')}</button>
      </>;

  if (space.state === 'cancelled') {
    return (
      <section class="card" aria-labelledby="manage-h">
        <h2 id="manage-h">{t('manage.cancelledHeading')}</h2>
        <div class="row">{deleteButtons}</div>
        <p role="status" class="notice">{message}</p>
      </section>
    );
  }

  async function cancelSpace() {
    try { onChange(await api.transition(space.id, 'cancel')); } catch (err) { setMessage(errorText(err)); }
  }

  return (
    <section class="card" aria-labelledby="manage-h">
      <h2 id="manage-h">{t('manage.heading')}</h2>
      <form onSubmit={save} class="manage">
        <div class="field">
          <label for="m-title">{t('home.spaceTitle')}</label>
          <input id="m-title" required maxLength={TITLE_MAX} aria-describedby="m-title-count" value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
          <CharCount id="m-title-count" length={title.length} max={TITLE_MAX} />
        </div>
        <div class="field">
          <label for="m-desc">{t('manage.description')}</label>
          <textarea id="m-desc" rows={3} maxLength={DESCRIPTION_MAX} aria-describedby="m-desc-count" value={description} onInput={(e) => setDescription((e.currentTarget as HTMLTextAreaElement).value)} />
          <CharCount id="m-desc-count" length={description.length} max={DESCRIPTION_MAX} />
        </div>
        <div class="field">
          <label for="m-lang">{t('manage.language')}</label>
          <select id="m-lang" value={language} onChange={(e) => setLanguage((e.currentTarget as HTMLSelectElement).value)}>
            {[...new Set([language, ...LANGUAGES])].map((l) => <option key={l} value={l}>{new Intl.DisplayNames([document.documentElement.lang || 'en'], { type: 'language' }).of(l) ?? l}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="m-when">{t('manage.when')}</label>
          <input id="m-when" type="datetime-local" value={when} onInput={(e) => setWhen((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="m-zone">{t('manage.zone')}</label>
          <select id="m-zone" value={zone} onChange={(e) => setZone((e.currentTarget as HTMLSelectElement).value)}>
            {timeZones(zone, browserTimeZone()).map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        </div>
        <div class="row">
          <button type="submit" class="primary">{t('manage.save')}</button>
          {!confirmCancel
            ? <button type="button" class="danger" onClick={() => setConfirmCancel(true)}>{t('manage.cancelSpace')}</button>
            : <>
                <button type="button" class="danger" onClick={cancelSpace}>{t('manage.confirmCancel')}</button>
                <button type="button" onClick={() => setConfirmCancel(false)}>{t('common.cancel')}</button>
              </>}
          {deleteButtons}
        </div>
        <p role="status" class="notice">{message}</p>
      </form>
    </section>
  );
}

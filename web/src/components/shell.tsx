import { render, type ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lang, onLangChange, setLang, t, type Lang } from '../i18n/index.js';
import '../styles.css';

function LangSwitcher() {
  const current = lang();
  const options: Array<[Lang, string]> = [['en', 'English'], ['fr', 'Français']];
  return (
    <div class="lang" role="group" aria-label={t('lang.label')}>
      {options.map(([code, name]) => (
        <button type="button" key={code} lang={code} aria-pressed={current === code} onClick={() => setLang(code)}>{name}</button>
      ))}
    </div>
  );
}

function Shell({ page: Page }: { page: ComponentType }) {
  const [, setTick] = useState(0);
  // A language change re-renders the whole page: every string comes from t() at render time.
  useEffect(() => onLangChange(() => setTick((n) => n + 1)), []);
  return (
    <>
      <a class="skip" href="#main">{t('nav.skip')}</a>
      <header class="top">
        <a class="brand" href="/">Tribune</a>
        <LangSwitcher />
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

export function mountPage(page: ComponentType): void {
  render(<Shell page={page} />, document.getElementById('app')!);
}

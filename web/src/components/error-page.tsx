import { t } from '../i18n/index.js';

/** A page that cannot show what was asked: a heading that says why, and a way home. */
export function ErrorPage({ message }: { message: string }) {
  return (
    <section class="card error-page" aria-labelledby="error-h">
      <h1 id="error-h">{message}</h1>
      <p><a class="button" href="/">{t('nav.home')}</a></p>
    </section>
  );
}

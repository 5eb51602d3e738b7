import { useState } from 'preact/hooks';
import { t } from '../i18n/index.js';
import { api, ApiError } from '../lib/api.js';
import { remember } from '../lib/session.js';
import type { User } from '../lib/types.js';

/** Log in or create an account in place, so a listener never leaves the page they are on. */
export function AuthForm({ onDone, compact = false }: { onDone: (user: User) => void; compact?: boolean }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const id = (name: string) => `auth-${mode}-${name}`;

  async function submit(e: Event) {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const handle = String(form.get('handle') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setError('');
    try {
      const session = mode === 'login' ? await api.login(handle, password) : await api.register(handle, password, String(form.get('displayName') ?? '').trim() || undefined);
      onDone(remember(session));
    } catch (err) {
      setError(err instanceof ApiError && (err.code === 'INVALID_CREDENTIALS') ? t('auth.invalid')
        : err instanceof ApiError && err.code === 'HANDLE_TAKEN' ? t('auth.taken')
        : err instanceof ApiError && err.code === 'VALIDATION_FAILED' ? t('auth.rules') : t('error.generic'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class={compact ? 'auth compact' : 'auth'} onSubmit={submit} aria-label={mode === 'login' ? t('auth.login') : t('auth.register')}>
      <div class="field">
        <label for={id('handle')}>{t('auth.handle')}</label>
        <input id={id('handle')} name="handle" autoComplete="username" required minLength={3} maxLength={30} pattern="[A-Za-z0-9_]{3,30}" />
      </div>
      {mode === 'register' && (
        <div class="field">
          <label for={id('displayName')}>{t('auth.displayName')}</label>
          <input id={id('displayName')} name="displayName" autoComplete="name" maxLength={50} />
        </div>
      )}
      <div class="field">
        <label for={id('password')}>{t('auth.password')}</label>
        <input id={id('password')} name="password" type="password" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} required minLength={mode === 'register' ? 8 : 1} />
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      <div class="row">
        <button type="submit" class="primary" disabled={busy}>{mode === 'login' ? t('auth.login') : t('auth.register')}</button>
        <button type="button" class="link" onClick={() => { setMode(mode === 'login' ? 'register' : 'login'); setError(''); }}>
          {mode === 'login' ? t('auth.toRegister') : t('auth.toLogin')}
        </button>
      </div>
    </form>
  );
}

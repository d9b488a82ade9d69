// Shown while the page has no token: how to get one, and why the last attempt or session ended.
import { useStore } from 'zustand';
import type { SessionStore } from './store';
import './session.css';

export function SignInPanel({ session }: { session: SessionStore }) {
  const phase = useStore(session, (s) => s.phase);
  const notice = useStore(session, (s) => s.notice);
  return (
    <section className="panel signin" aria-labelledby="signin-title" data-testid="signin">
      <h2 id="signin-title">{phase === 'exchanging' ? 'Signing in…' : 'Not signed in'}</h2>
      {phase === 'exchanging' ? (
        <p>Exchanging the one-time code from the link for this page’s token.</p>
      ) : (
        <p>
          Open the sign-in link Jarvis printed (run <code>npm run serve</code>). Each link works once and for a few minutes.
        </p>
      )}
      {notice !== null && (
        <p className="notice" role="alert" data-testid="signin-notice">
          {notice}
        </p>
      )}
    </section>
  );
}

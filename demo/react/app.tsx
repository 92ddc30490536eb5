import { useCallback, useState, type FormEvent } from 'react';
import { StreamChatComponent } from './stream-chat-component.js';

interface CallbackEntry {
  id: number;
  name: string;
  detail: string;
}

interface LoginAnswer {
  access_token?: string;
  error?: { message?: string };
}

/** Signs in with `POST /auth/login` and resolves with the bearer token. */
async function logIn(apiUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const answer = (await res.json().catch(() => ({}))) as LoginAnswer;
  if (!res.ok || !answer.access_token) throw new Error(answer.error?.message ?? `Sign-in failed (HTTP ${res.status}).`);
  return answer.access_token;
}

/**
 * The React example: an app that signs its user in, hands the token to
 * {@link StreamChatComponent}, and shows each callback the component fires.
 */
export function App({ apiUrl }: { apiUrl: string }): React.JSX.Element {
  const [token, setToken] = useState<string>();
  const [signInError, setSignInError] = useState<string>();
  const [callbacks, setCallbacks] = useState<CallbackEntry[]>([]);
  const record = useCallback((name: string, detail: string) => {
    setCallbacks((entries) => [{ id: (entries[0]?.id ?? 0) + 1, name, detail }, ...entries].slice(0, 40));
  }, []);

  async function handleSignIn(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSignInError(undefined);
    try {
      setToken(await logIn(apiUrl, String(form.get('username')), String(form.get('password'))));
    } catch (err) {
      setSignInError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <>
      <header className="topbar">
        <span className="brand">Ledgerly</span>
        <nav>
          <a href="#dashboard">Dashboard</a>
          <a href="#invoices">Invoices</a>
          <a href="#customers">Customers</a>
          <a href="#support" aria-current="page">Support</a>
        </nav>
      </header>
      <main>
        <h1>Support assistant</h1>
        <p className="lead">
          A React app using <code>&lt;StreamChatComponent apiUrl authToken onMessage … /&gt;</code>, which wraps{' '}
          <code>&lt;ngx-chat&gt;</code> with <code>@lit/react</code>.
        </p>
        <div className="columns">
          <section className="card chat-card" aria-label="Chat">
            {token ? (
              <StreamChatComponent
                apiUrl={apiUrl}
                authToken={token}
                instanceId="react-demo"
                theme="light"
                onSend={(event) => record('onSend', JSON.stringify(event.text))}
                onStatus={(event) => record('onStatus', event.status)}
                onMessage={(event) => record('onMessage', `${event.status}, ${event.text.length} characters`)}
                onError={(event) => record('onError', `${event.error.code}: ${event.error.message}`)}
              />
            ) : (
              <form className="sign-in" onSubmit={(event) => void handleSignIn(event)}>
                <h2>Sign in to chat</h2>
                <label>
                  Username <input name="username" defaultValue="test" autoComplete="username" />
                </label>
                <label>
                  Password <input name="password" type="password" defaultValue="test" autoComplete="current-password" />
                </label>
                <button type="submit">Sign in</button>
                {signInError && <p role="alert">{signInError}</p>}
                <p className="hint">The demo API has the user test / test.</p>
              </form>
            )}
          </section>
          <section className="card" aria-labelledby="callbacks-title">
            <h2 id="callbacks-title">Callbacks</h2>
            {callbacks.length === 0 ? (
              <p className="hint">{token ? 'Send a message to see the callbacks fire.' : 'Sign in first.'}</p>
            ) : (
              <ol className="callbacks" reversed>
                {callbacks.map((entry) => (
                  <li key={entry.id}>
                    <code>{entry.name}</code> {entry.detail}
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
      </main>
    </>
  );
}

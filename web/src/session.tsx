// Who is signed in, for the whole app: asked of the API once at start, set by logging in,
// cleared by logging out or by any 401 (the session expired or was closed elsewhere).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, api, setCsrfToken, whenUnauthorized } from './api.ts';
import { ErrorAlert, Loading } from './feedback.tsx';
import type { User } from './shapes.ts';

interface Session {
  /** undefined while the app asks who is signed in; null when nobody is. */
  user: User | null | undefined;
  /** What the signed-in user's role may do, as the API says (`permissions` of /api/auth/me); empty when nobody is. */
  permissions: ReadonlySet<string>;
  logIn(email: string, password: string): Promise<void>;
  logOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
const NONE: ReadonlySet<string> = new Set();

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [permissions, setPermissions] = useState<ReadonlySet<string>>(NONE);
  const [startError, setStartError] = useState<unknown>(undefined);

  useEffect(() => {
    whenUnauthorized(() => {
      setCsrfToken(undefined);
      setPermissions(NONE);
      setUser(null);
    });
    api<{ user: User; permissions: string[]; csrfToken?: string }>('GET', '/api/auth/me').then(
      (me) => {
        setCsrfToken(me.csrfToken);
        setPermissions(new Set(me.permissions));
        setUser(me.user);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setUser(null);
        else setStartError(error);
      },
    );
  }, []);

  const logIn = useCallback(async (email: string, password: string) => {
    const session = await api<{ user: User; permissions: string[]; csrfToken: string }>('POST', '/api/auth/login', { email, password });
    setCsrfToken(session.csrfToken);
    setPermissions(new Set(session.permissions));
    setUser(session.user);
  }, []);

  const logOut = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } finally {
      setCsrfToken(undefined);
      setPermissions(NONE);
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, permissions, logIn, logOut }), [user, permissions, logIn, logOut]);
  if (startError !== undefined) {
    return (
      <main className="centered">
        <h1>MTC</h1>
        <ErrorAlert error={startError} />
      </main>
    );
  }
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/**
 * Whether the signed-in user may do what `permission` names (a name of the API's permission
 * table, e.g. 'lot.plan'): pages ask this and never look at the role. The API refuses the rest anyway.
 */
export function useCan(permission: string): boolean {
  return useSession().permissions.has(permission);
}

/** Its children for a signed-in user; anyone else goes to /login, and comes back here after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const location = useLocation();
  if (user === undefined) return <Loading />;
  if (user === null) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return children;
}

/** Where to go after logging in: the page the user asked for, if it is one of ours. */
export function safeNext(next: string | null): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/';
}

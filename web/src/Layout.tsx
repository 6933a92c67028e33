import { Suspense, useEffect, useRef } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Loading } from './feedback.tsx';
import { MainNav } from './MainNav.tsx';
import { useSession } from './session.tsx';

/** The frame of every page after login: the main navigation, who is signed in, and the page. */
export function Layout() {
  const { logOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a client-side navigation, focus goes to the new page, as a page load would put it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <MainNav onLogOut={() => void logOut().finally(() => navigate('/login', { replace: true }))} />
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

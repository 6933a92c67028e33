import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Loading } from './feedback.tsx';
import { useSession } from './session.tsx';

/** The app's sections, in the order the main navigation lists them; admin ones only for admins. */
const SECTIONS: readonly { to: string; label: string; admin?: boolean }[] = [
  { to: '/', label: 'Dashboard' },
  { to: '/items', label: 'Items' },
  { to: '/suppliers', label: 'Suppliers' },
  { to: '/subprocesses', label: 'Subprocesses' },
  { to: '/processes', label: 'Processes' },
  { to: '/lots', label: 'Lots' },
  { to: '/imports', label: 'Imports' },
  { to: '/users', label: 'Users', admin: true },
  { to: '/schema', label: 'Schema health', admin: true },
];

/** The frame of every page after login: the main navigation, who is signed in, and the page. */
export function Layout() {
  const { user, logOut } = useSession();
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
        <nav aria-label="Main">
          <span className="brand">MTC</span>
          <ul className="links">
            {SECTIONS.filter((s) => !s.admin || user?.role === 'admin').map((s) => (
              <li key={s.to}>
                <NavLink to={s.to} end={s.to === '/'}>
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
          <span className="who">{user?.name}</span>
          <button type="button" className="secondary" onClick={() => void logOut().finally(() => navigate('/login', { replace: true }))}>
            Log out
          </button>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

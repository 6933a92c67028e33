import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Loading } from './feedback.tsx';
import { useSession } from './session.tsx';

/** A page of the main navigation, shown to whoever has the permission its page reads with. */
interface Section {
  to: string;
  label: string;
  needs?: string;
}

/** Pages that belong together, under a heading of their own (Purchasing: Orders, Receipts, Suggestions). */
interface Group {
  group: string;
  needs?: string;
  links: readonly Section[];
}

/** The app's sections, in the order the main navigation lists them. */
const SECTIONS: readonly (Section | Group)[] = [
  { to: '/', label: 'Dashboard' },
  { to: '/items', label: 'Items' },
  { to: '/stock/value', label: 'Stock value', needs: 'purchasing.read' },
  { to: '/suppliers', label: 'Suppliers' },
  { to: '/subprocesses', label: 'Subprocesses' },
  { to: '/processes', label: 'Processes' },
  { to: '/lots', label: 'Lots' },
  {
    group: 'Purchasing',
    needs: 'purchasing.read',
    links: [
      { to: '/purchase-orders', label: 'Orders' },
      { to: '/goods-receipts', label: 'Receipts' },
      { to: '/purchasing/suggestions', label: 'Suggestions' },
    ],
  },
  { to: '/imports', label: 'Imports' },
  { to: '/users', label: 'Users', needs: 'users.manage' },
  { to: '/schema', label: 'Schema health', needs: 'schema.read' },
];

/** The frame of every page after login: the main navigation, who is signed in, and the page. */
export function Layout() {
  const { user, permissions, logOut } = useSession();
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
            {SECTIONS.filter((s) => !s.needs || permissions.has(s.needs)).map((s) =>
              'group' in s ? (
                <li key={s.group} className="group">
                  <span className="group-label" id={`nav-${s.group}`}>
                    {s.group}
                  </span>
                  <ul aria-labelledby={`nav-${s.group}`}>
                    {s.links
                      .filter((l) => !l.needs || permissions.has(l.needs))
                      .map((l) => (
                        <li key={l.to}>
                          <NavLink to={l.to}>{l.label}</NavLink>
                        </li>
                      ))}
                  </ul>
                </li>
              ) : (
                <li key={s.to}>
                  <NavLink to={s.to} end={s.to === '/'}>
                    {s.label}
                  </NavLink>
                </li>
              ),
            )}
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

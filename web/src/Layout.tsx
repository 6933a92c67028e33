import { Suspense, useEffect, useRef } from 'react';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { Loading } from './feedback.tsx';
import { useSession } from './session.tsx';

/** A page of the main navigation: shown to whoever has the permission it reads with; the entries of a `group` are listed together under its name. */
interface Section {
  to: string;
  label: string;
  needs?: string;
  group?: string;
}

/** The app's sections, in the order the main navigation lists them. */
const SECTIONS: readonly Section[] = [
  { to: '/', label: 'Dashboard' },
  { to: '/items', label: 'Items' },
  { to: '/stock/value', label: 'Stock value', needs: 'purchasing.read' },
  { to: '/suppliers', label: 'Suppliers' },
  { to: '/purchasing/suggestions', label: 'Suggestions', needs: 'purchasing.read', group: 'Purchasing' },
  { to: '/subprocesses', label: 'Subprocesses' },
  { to: '/processes', label: 'Processes' },
  { to: '/lots', label: 'Lots' },
  { to: '/imports', label: 'Imports' },
  { to: '/users', label: 'Users', needs: 'users.manage' },
  { to: '/schema', label: 'Schema health', needs: 'schema.read' },
];

/** The sections in order, those of a group gathered where its first one stands. */
function grouped(sections: readonly Section[]): (Section | { group: string; sections: Section[] })[] {
  const out: (Section | { group: string; sections: Section[] })[] = [];
  for (const s of sections) {
    if (s.group === undefined) out.push(s);
    else {
      const found = out.find((e): e is { group: string; sections: Section[] } => 'sections' in e && e.group === s.group);
      if (found) found.sections.push(s);
      else out.push({ group: s.group, sections: [s] });
    }
  }
  return out;
}

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
            {grouped(SECTIONS.filter((s) => !s.needs || permissions.has(s.needs))).map((entry) =>
              'sections' in entry ? (
                <li key={entry.group} className="nav-group">
                  <span className="nav-group-label" id={`nav-${entry.group.toLowerCase()}`}>
                    {entry.group}
                  </span>
                  <ul aria-labelledby={`nav-${entry.group.toLowerCase()}`}>
                    {entry.sections.map((s) => (
                      <li key={s.to}>
                        <NavLink to={s.to}>{s.label}</NavLink>
                      </li>
                    ))}
                  </ul>
                </li>
              ) : (
                <li key={entry.to}>
                  <NavLink to={entry.to} end={entry.to === '/'}>
                    {entry.label}
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

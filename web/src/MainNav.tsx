// The main navigation: the pages a user uses most as links, the rest in groups that open as
// menus (Purchasing; More: imports and administration), so that it holds one line on a
// 1280-pixel screen. Narrower (a small laptop, a tablet, a phone), the whole of it folds
// behind one Menu button and opens as a list. Each link shows to whoever has the permission
// its page reads with (`permissions` of the login), and a group with none left is not shown.
import { useEffect, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useSession } from './session.tsx';

/** A page of the main navigation, shown to whoever has the permission its page reads with. */
interface Section {
  to: string;
  label: string;
  needs?: string;
}

/** Pages that belong together, behind a button of their own that opens them as a menu. */
interface Group {
  group: string;
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
    links: [
      { to: '/purchase-orders', label: 'Orders', needs: 'purchasing.read' },
      { to: '/goods-receipts', label: 'Receipts', needs: 'purchasing.read' },
      { to: '/purchasing/suggestions', label: 'Suggestions', needs: 'purchasing.read' },
    ],
  },
  {
    group: 'More',
    links: [
      { to: '/imports', label: 'Imports' },
      { to: '/users', label: 'Users', needs: 'users.manage' },
      { to: '/settings', label: 'Settings' },
      { to: '/schema', label: 'Schema health', needs: 'schema.read' },
    ],
  },
];

const idOf = (group: string) => `nav-${group.toLowerCase()}`;

/** The main navigation, with who is signed in and the button that logs out (`onLogOut`). */
export function MainNav({ onLogOut }: { onLogOut: () => void }) {
  const { user, permissions } = useSession();
  const { pathname } = useLocation();
  const nav = useRef<HTMLElement>(null);
  // The group whose menu is open (one at a time), and whether the folded navigation is open.
  const [openGroup, setOpenGroup] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const allowed = (s: Section) => !s.needs || permissions.has(s.needs);

  // Arriving at a page closes what was opened to get there.
  useEffect(() => {
    setOpenGroup(null);
    setMenuOpen(false);
  }, [pathname]);
  // A click elsewhere closes an open group's menu, as a menu of the system would.
  useEffect(() => {
    if (openGroup === null) return;
    const away = (e: MouseEvent) => {
      if (!nav.current?.contains(e.target as Node)) setOpenGroup(null);
    };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [openGroup]);
  // Escape closes the open group (focus back on its button), else the folded navigation.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    if (openGroup !== null) {
      document.getElementById(`${idOf(openGroup)}-button`)?.focus();
      setOpenGroup(null);
    } else if (menuOpen) {
      document.getElementById('nav-menu-button')?.focus();
      setMenuOpen(false);
    }
  };

  return (
    <nav aria-label="Main" ref={nav} className={menuOpen ? 'menu-open' : undefined} onKeyDown={onKeyDown}>
      <span className="brand">MTC</span>
      <button
        type="button"
        id="nav-menu-button"
        className="menu-toggle secondary"
        aria-expanded={menuOpen}
        aria-controls="nav-links"
        onClick={() => setMenuOpen(!menuOpen)}
      >
        Menu
      </button>
      <ul className="links" id="nav-links">
        {SECTIONS.map((s) => {
          if (!('group' in s))
            return (
              allowed(s) && (
                <li key={s.to}>
                  <NavLink to={s.to} end={s.to === '/'}>
                    {s.label}
                  </NavLink>
                </li>
              )
            );
          const links = s.links.filter(allowed);
          if (links.length === 0) return null;
          const id = idOf(s.group);
          const open = openGroup === s.group;
          const current = links.some((l) => pathname === l.to || pathname.startsWith(`${l.to}/`));
          return (
            <li key={s.group} className={open ? 'group open' : 'group'}>
              <button
                type="button"
                id={`${id}-button`}
                className={current ? 'group-button current' : 'group-button'}
                aria-expanded={open}
                aria-controls={id}
                onClick={() => setOpenGroup(open ? null : s.group)}
              >
                {s.group}
                <span className="caret" aria-hidden="true" />
              </button>
              <ul id={id} aria-labelledby={`${id}-button`}>
                {links.map((l) => (
                  <li key={l.to}>
                    <NavLink to={l.to}>{l.label}</NavLink>
                  </li>
                ))}
              </ul>
            </li>
          );
        })}
      </ul>
      <span className="who">{user?.name}</span>
      <button type="button" className="secondary" onClick={onLogOut}>
        Log out
      </button>
    </nav>
  );
}

import { useId, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { api } from '../api.ts';
import { ErrorAlert, Loading } from '../feedback.tsx';
import { formatDateTime } from '../format.ts';
import '../forms.css';
import { FormActions, FieldMessage, Outcome, invalidIf, useAction } from '../forms.tsx';
import type { Action } from '../forms.tsx';
import { ConfirmButton } from '../ConfirmButton.tsx';
import { Pager } from '../Pager.tsx';
import { useCan, useSession } from '../session.tsx';
import type { RoleInfo, User } from '../shapes.ts';
import { usePageTitle } from '../title.ts';
import { useApi } from '../useApi.ts';
import { pageCount, useSearchPage } from '../useSearchPage.ts';

const PAGE_SIZE = 25;
const LABELS = { name: 'Name', email: 'Email', role: 'Role', password: 'Password' };

/** An account as the users API lists it. */
interface Account extends User {
  hasPassword: boolean;
  deactivatedAt: string | null;
  createdAt: string;
}

/**
 * The user accounts, for admins: searched and paged in the page (an organisation has tens of
 * users, and the API lists them all at once), added with a password given once, edited
 * (name, role, a new password), deactivated and reactivated.
 */
export default function Users() {
  const canManage = useCan('users.manage');
  usePageTitle('Users');
  if (!canManage) {
    return (
      <>
        <h1>Users</h1>
        <p className="empty">Only an administrator manages user accounts.</p>
      </>
    );
  }
  return <Accounts />;
}

function Accounts() {
  const { user: me } = useSession();
  const users = useApi<Account[]>('/api/users');
  // The roles and what each is for, from the API's table: the page names none itself.
  const roles = useApi<RoleInfo[]>('/api/roles');
  const { q, page, typed, setTyped, setPage } = useSearchPage();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<number | null>(null);

  const matching = useMemo(() => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    return (users.data ?? []).filter((u) => words.every((w) => `${u.name} ${u.email} ${u.role}`.toLowerCase().includes(w)));
  }, [users.data, q]);
  const pages = pageCount(matching.length, PAGE_SIZE);
  const shown = matching.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const editedUser = users.data?.find((u) => u.userId === editing);

  return (
    <>
      <h1>Users</h1>
      <div className="toolbar">
        <label htmlFor="user-search">Search users</label>
        <input id="user-search" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="name, email or role" autoComplete="off" />
        <button type="button" onClick={() => setAdding((a) => !a)} aria-expanded={adding}>
          Add user
        </button>
      </div>
      {roles.error !== undefined && <ErrorAlert error={roles.error} />}
      {adding && roles.data && (
        <AddUser
          roles={roles.data}
          onAdded={() => {
            users.reload();
          }}
          onClose={() => setAdding(false)}
        />
      )}
      {editedUser && roles.data && (
        <EditUser
          key={editedUser.userId}
          user={editedUser}
          roles={roles.data}
          self={editedUser.userId === me?.userId}
          onSaved={users.reload}
          onClose={() => setEditing(null)}
        />
      )}
      {users.error !== undefined ? (
        <ErrorAlert error={users.error} />
      ) : !users.data || !roles.data ? (
        <Loading />
      ) : shown.length === 0 ? (
        <p className="empty">{q ? `No user matches “${q}”.` : 'No users yet: add the first with Add user.'}</p>
      ) : (
        <>
          <div className="table-scroll">
            <table>
              <caption className="visually-hidden">Users</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.map((u) => (
                  <tr key={u.userId}>
                    <td>
                      {u.name}
                      {u.userId === me?.userId && <span className="badge">you</span>}
                    </td>
                    <td>{u.email}</td>
                    <td>{u.role}</td>
                    <td>
                      {u.deactivatedAt ? (
                        <span className="badge status-cancelled">Deactivated {formatDateTime(u.deactivatedAt)}</span>
                      ) : u.hasPassword ? (
                        'Active'
                      ) : (
                        'Active (no password: API tokens only)'
                      )}
                    </td>
                    <td>
                      <div className="actions">
                        <button type="button" className="secondary" onClick={() => setEditing(u.userId)} aria-label={`Edit ${u.name}`}>
                          Edit
                        </button>
                        <ActiveToggle user={u} onChanged={users.reload} />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pages={pages} total={matching.length} noun={['user', 'users']} onPage={setPage} />
        </>
      )}
    </>
  );
}

/** A password to hand over: 16 characters from a browser's cryptographic generator, none easily confused. */
function generatedPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** The role that may do least (the fewest permissions; the last such in the API's order): a new user's role until another is chosen. */
function leastRole(roles: RoleInfo[]): string {
  return roles.reduce<RoleInfo | undefined>((least, r) => (least && least.permissions.length < r.permissions.length ? least : r), undefined)?.role ?? '';
}

function AddUser({ roles, onAdded, onClose }: { roles: RoleInfo[]; onAdded: () => void; onClose: () => void }) {
  const action = useAction();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<User['role']>(() => leastRole(roles));
  const [password, setPassword] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await action.run(
      () => api<Account>('POST', '/api/users', { name, email, role, password }),
      (u) => `Added ${u.name} (${u.email}) as ${u.role}. Give them their password now: it is not shown again.`,
    );
    if (ok) onAdded();
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="add-user-title">
      <h2 id="add-user-title">Add a user</h2>
      <div className="form-grid">
        <div>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={150} autoComplete="off" {...invalidIf(action, 'name')} />
          </label>
          <FieldMessage action={action} field="name" />
        </div>
        <div>
          <label>
            Email
            <input
              type="email"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              required
              maxLength={255}
              autoComplete="off"
              {...invalidIf(action, 'email')}
            />
          </label>
          <FieldMessage action={action} field="email" />
        </div>
        <RoleSelect roles={roles} role={role} onChange={setRole} action={action} />
        <div>
          <label>
            Password
            <input
              type="text"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              required
              minLength={10}
              maxLength={200}
              autoComplete="new-password"
              spellCheck={false}
              {...invalidIf(action, 'password')}
            />
          </label>
          <FieldMessage action={action} field="password" />
        </div>
      </div>
      <p className="hint">At least 10 characters. Shown here so you can hand it over; MTC keeps only its hash.</p>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => setPassword(generatedPassword())}>
          Generate a password
        </button>
        <button type="submit" disabled={action.busy}>
          {action.busy ? 'Adding…' : 'Add user'}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      <Outcome action={action} labels={LABELS} />
    </form>
  );
}

function EditUser({ user, roles, self, onSaved, onClose }: { user: Account; roles: RoleInfo[]; self: boolean; onSaved: () => void; onClose: () => void }) {
  const action = useAction();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<User['role']>(user.role);
  const [password, setPassword] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const change = { ...(name !== user.name ? { name } : {}), ...(role !== user.role ? { role } : {}), ...(password ? { password } : {}) };
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    const ok = await action.run(
      () => api<Account>('PATCH', `/api/users/${user.userId}`, change),
      password ? `Saved. ${user.name}'s sessions have ended: they log in with the new password.` : 'Saved.',
    );
    if (ok) {
      setPassword('');
      onSaved();
    }
  };
  return (
    <form className="card" onSubmit={(e) => void submit(e)} aria-labelledby="edit-user-title">
      <h2 id="edit-user-title">Edit {user.name}</h2>
      <p className="hint">{user.email}</p>
      <div className="form-grid">
        <div>
          <label>
            Name
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={150} {...invalidIf(action, 'name')} />
          </label>
          <FieldMessage action={action} field="name" />
        </div>
        <RoleSelect roles={roles} role={role} onChange={setRole} action={action} />
        <div>
          <label>
            New password
            <input
              type="text"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              minLength={10}
              maxLength={200}
              autoComplete="new-password"
              spellCheck={false}
              placeholder="leave empty to keep it"
              {...invalidIf(action, 'password')}
            />
          </label>
          <FieldMessage action={action} field="password" />
        </div>
      </div>
      {self && <p className="hint">This is your own account: another admin must change your role.</p>}
      <FormActions busy={action.busy} submitLabel="Save" busyLabel="Saving…" onCancel={onClose} cancelLabel="Close" />
      <Outcome action={action} labels={{ ...LABELS, password: 'New password' }} />
    </form>
  );
}

/** Deactivate (with a confirmation) or reactivate an account; the API's refusal (your own account) shows under the button. */
function ActiveToggle({ user, onChanged }: { user: Account; onChanged: () => void }) {
  const action = useAction();
  const verb = user.deactivatedAt ? 'reactivate' : 'deactivate';
  // How many live sessions deactivating ends, asked when the question is: the numbers as they are then.
  const [sessions, setSessions] = useState<number | undefined>(undefined);
  const countSessions = () => {
    setSessions(undefined);
    api<unknown[]>('GET', `/api/sessions?userId=${user.userId}`).then(
      (live) => setSessions(live.length),
      () => setSessions(undefined),
    );
  };
  const loggedOut =
    sessions === undefined
      ? 'They are logged out now'
      : sessions === 0
        ? 'They have no live session'
        : `Their ${sessions} live session${sessions === 1 ? ' ends' : 's end'} now`;
  const act = async () => {
    if (await action.run(() => api<Account>('POST', `/api/users/${user.userId}/${verb}`), '')) onChanged();
  };
  return (
    <>
      {verb === 'deactivate' ? (
        <ConfirmButton
          label="Deactivate"
          labelForAll={`Deactivate ${user.name}`}
          question={`Deactivate ${user.name} (${user.role})? ${loggedOut}, their API tokens stop working, and they cannot log in until reactivated.`}
          confirmLabel="Yes, deactivate"
          busyLabel="Working…"
          keepLabel="No, keep them active"
          disabled={action.busy}
          onAsk={countSessions}
          onConfirm={act}
        />
      ) : (
        <button type="button" className="secondary" disabled={action.busy} onClick={() => void act()} aria-label={`Reactivate ${user.name}`}>
          {action.busy ? 'Working…' : 'Reactivate'}
        </button>
      )}
      {action.error !== undefined && <Outcome action={action} />}
    </>
  );
}

/**
 * The roles the API serves, each with what it is for; the chosen one's description is said
 * again under the select (an option's text may be cut short). A label beside the select (not
 * around it), so its name is "Role" alone.
 */
function RoleSelect({ roles, role, onChange, action }: { roles: RoleInfo[]; role: string; onChange: (role: string) => void; action: Action }) {
  const id = useId();
  const chosen = roles.find((r) => r.role === role);
  return (
    <div>
      <label htmlFor={id}>Role</label>
      <select id={id} value={role} onChange={(e) => onChange(e.target.value)} {...invalidIf(action, 'role', `${id}-what`)}>
        {roles.map((r) => (
          <option key={r.role} value={r.role}>
            {r.role}: {r.description}
          </option>
        ))}
      </select>
      <FieldMessage action={action} field="role" />
      <p className="hint" id={`${id}-what`}>
        {chosen ? `${chosen.role[0]?.toUpperCase()}${chosen.role.slice(1)}: ${chosen.description}.` : ''}
      </p>
    </div>
  );
}

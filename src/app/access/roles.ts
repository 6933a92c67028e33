/**
 * Roles and what each may do: the one permission table every route names its permission
 * from. A role not listed for a permission is refused with 403.
 */
export const ROLES = ['admin', 'planner', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  /** Read items, variants, stock, suppliers and rates. */
  'catalog.read': ['admin', 'planner', 'operator', 'viewer'],
  /** Create, change, delete and restore items, variants, suppliers and rates. */
  'catalog.write': ['admin', 'planner'],
  /** Record stock movements (receipts, adjustments). */
  'stock.write': ['admin', 'planner', 'operator'],
  /** Read processes, their costing, production lots and the production reports. */
  'production.read': ['admin', 'planner', 'operator', 'viewer'],
  /** Create, change, delete and restore processes and the subprocess library. */
  'process.write': ['admin', 'planner'],
  /** Plan lots: create them, choose their substitutes, mark them ready, cancel them. */
  'lot.plan': ['admin', 'planner'],
  /** Run lots on the floor: start, complete (which consumes stock) or fail them. */
  'lot.run': ['admin', 'planner', 'operator'],
  /** Read purchase orders, goods receipts, stock value and the supplier ledger. */
  'purchasing.read': ['admin', 'planner', 'operator', 'viewer'],
  /** Make, change, send, cancel and close purchase orders. */
  'purchasing.order': ['admin', 'planner'],
  /** Receive goods (against an order or on their own) and reverse a receipt. */
  'purchasing.receive': ['admin', 'planner', 'operator'],
  /** See import jobs, their progress and their rejected rows. */
  'imports.read': ['admin', 'planner', 'operator', 'viewer'],
  /** Upload, preview, start and cancel imports of items, variants, suppliers and rates. */
  'imports.run': ['admin', 'planner'],
  /** Manage user accounts and read the audit trail. */
  'users.manage': ['admin'],
  'audit.read': ['admin'],
  /** Change the installation's settings: its currency and date format (everyone signed in reads them). */
  'settings.manage': ['admin'],
  /** Read the schema's health: migration status and verify's findings. */
  'schema.read': ['admin'],
  /** Own session and API tokens. */
  self: ['admin', 'planner', 'operator', 'viewer'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function allows(role: string, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly string[]).includes(role);
}

/** Every permission a role has, in the table's order: what `/api/auth/me` tells the web app it may do. */
export function permissionsOf(role: string): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => allows(role, p));
}

/** What each role is for, in a sentence a person choosing one reads. */
export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  admin: 'everything, including user accounts, the settings, the audit trail and the schema’s health',
  planner: 'the catalog, processes, imports and planning lots, and running them',
  operator: 'running lots on the floor and recording stock movements; reads the rest',
  viewer: 'reads everything but user accounts, the audit trail and the schema’s health; changes nothing',
};

/** A role as the API serves it: its name, what it is for, and every permission it has. */
export interface RoleDescription {
  role: Role;
  description: string;
  permissions: Permission[];
}

/** Every role, in the table's order, with its description and permissions: what GET /api/roles serves. */
export function describeRoles(): RoleDescription[] {
  return ROLES.map((role) => ({ role, description: ROLE_DESCRIPTIONS[role], permissions: permissionsOf(role) }));
}

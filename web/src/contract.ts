// The web app's types of what the API sends, checked against the API itself: each line below
// fails the type-check (`npm run typecheck`, and so `npm test`) when a page's type asks for
// something the API's response does not give — a field renamed, removed, or of another type.
// The API's types are generated from its OpenAPI document (scripts/api-types.ts writes
// generated/api.ts). Only types are imported: nothing of this reaches the browser.
import type { paths } from './generated/api.ts';
import type { ImportKindInfo } from './imports/kinds.ts';
import type { ImportJobDetail, ImportPreview, ImportStatusInfo, RowError } from './imports/shapes.ts';
import type { ApiProcess, ProcessSummary, Subprocess } from './processes/model.ts';
import type { UnitCosts } from './processes/rates.ts';
import type {
  Lot,
  LotStatusInfo,
  LotSummary,
  ProcessCost,
  ProcessSummary as LotProcess,
  ProcessTree as LotProcessTree,
  StockCheck,
  SupplierComparison as LotComparison,
} from './lots/types.ts';
import type { Order, OrderStatusInfo, OrderSummary, Receipt, ReceiptSummary } from './purchasing/shapes.ts';
import type { Rate, Supplier, SupplierComparison } from './suppliers/shapes.ts';
import type { OrderLink, PurchaseHistory, Suggestions, SupplierLedger } from './purchasing/planning.ts';
import type { StockValue, StockValueTotal } from './valuation/shapes.ts';
import type { AppSettings } from './settings.tsx';
import type { MarginWatch, WhatIf } from './margins/shapes.ts';
import type { CostVariance, FoundVariant, ImportJob, Item, LedgerEntry, ListedItem, LotsByStatus, OpenOrders, RoleInfo, User, Variant } from './shapes.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body of a route's success response (200 or 201). */
export type ResponseOf<P extends keyof paths, M extends Method> = paths[P][M] extends { responses: infer R }
  ? R extends { 200: { content: { 'application/json': infer T } } }
    ? T
    : R extends { 201: { content: { 'application/json': infer T } } }
      ? T
      : never
  : never;

/** A list response's rows: the items of its array field `K`, or of the body when it is an array. */
export type RowOf<P extends keyof paths, K extends string = never> = [K] extends [never]
  ? ResponseOf<P, 'get'> extends readonly (infer T)[]
    ? T
    : never
  : ResponseOf<P, 'get'> extends { [k in K]: readonly (infer T)[] }
    ? T
    : never;

/** Holds when every value the API sends (`Api`) is a value the page's type (`Page`) accepts. */
export type Reads<Page, Api> = [Api] extends [never] ? false : [Api] extends [Page] ? true : false;
type Holds<T extends true> = T;

export type SharedShapes = [
  Holds<Reads<{ user: User }, ResponseOf<'/api/auth/me', 'get'>>>,
  Holds<Reads<RoleInfo, RowOf<'/api/roles'>>>,
  Holds<Reads<AppSettings, ResponseOf<'/api/settings', 'get'>>>,
  Holds<Reads<AppSettings, ResponseOf<'/api/settings', 'patch'>>>,
  Holds<Reads<Item, ResponseOf<'/api/items/{id}', 'get'>>>,
  Holds<Reads<ListedItem, RowOf<'/api/items', 'items'>>>,
  Holds<Reads<FoundVariant, RowOf<'/api/variants', 'variants'>>>,
  Holds<Reads<Variant, RowOf<'/api/items/{id}/variants'>>>,
  Holds<Reads<Variant, RowOf<'/api/stock/low', 'variants'>>>,
  Holds<Reads<LedgerEntry, RowOf<'/api/variants/{id}/ledger', 'entries'>>>,
  Holds<Reads<LotsByStatus, ResponseOf<'/api/reports/lots-by-status', 'get'>>>,
  Holds<Reads<CostVariance, RowOf<'/api/reports/cost-variance', 'processes'>>>,
  Holds<Reads<ImportJob, RowOf<'/api/imports', 'jobs'>>>,
];

export type LotShapes = [
  Holds<Reads<LotSummary, RowOf<'/api/lots', 'lots'>>>,
  Holds<Reads<LotStatusInfo, RowOf<'/api/lots/statuses'>>>,
  Holds<Reads<Lot, ResponseOf<'/api/lots/{id}', 'get'>>>,
  Holds<Reads<Lot, ResponseOf<'/api/lots', 'post'>>>,
  Holds<Reads<StockCheck, ResponseOf<'/api/lots/{id}/stock-check', 'get'>>>,
  Holds<Reads<LotProcess, RowOf<'/api/processes', 'processes'>>>,
  Holds<Reads<LotProcessTree, ResponseOf<'/api/processes/{id}', 'get'>>>,
  Holds<Reads<ProcessCost, ResponseOf<'/api/processes/{id}/cost', 'get'>>>,
  Holds<Reads<LotComparison, ResponseOf<'/api/variants/{id}/supplier-comparison', 'get'>>>,
];

export type ImportShapes = [
  Holds<Reads<ImportJobDetail, ResponseOf<'/api/imports/{id}', 'get'>>>,
  Holds<Reads<ImportJobDetail, RowOf<'/api/imports', 'jobs'>>>,
  Holds<Reads<ImportJobDetail, ResponseOf<'/api/imports', 'post'>>>,
  Holds<Reads<ImportJobDetail, ResponseOf<'/api/imports/{id}/start', 'post'>>>,
  Holds<Reads<ImportJobDetail, ResponseOf<'/api/imports/{id}/cancel', 'post'>>>,
  Holds<Reads<ImportStatusInfo, RowOf<'/api/imports/statuses', 'statuses'>>>,
  Holds<Reads<ImportPreview, ResponseOf<'/api/imports/{id}/preview', 'get'>>>,
  Holds<Reads<RowError, RowOf<'/api/imports/{id}/errors', 'errors'>>>,
  Holds<Reads<ImportKindInfo, RowOf<'/api/imports/kinds', 'kinds'>>>,
];

export type ProcessShapes = [
  Holds<Reads<UnitCosts, ResponseOf<'/api/unit-costs', 'get'>>>,
  Holds<Reads<Subprocess, RowOf<'/api/subprocesses', 'subprocesses'>>>,
  Holds<Reads<Subprocess, ResponseOf<'/api/subprocesses/{id}', 'get'>>>,
  Holds<Reads<ProcessSummary, RowOf<'/api/processes', 'processes'>>>,
  Holds<Reads<ApiProcess, ResponseOf<'/api/processes/{id}', 'get'>>>,
  Holds<Reads<ApiProcess, ResponseOf<'/api/processes', 'post'>>>,
];

export type SupplierShapes = [
  Holds<Reads<Supplier, RowOf<'/api/suppliers', 'suppliers'>>>,
  Holds<Reads<Supplier, ResponseOf<'/api/suppliers/{id}', 'get'>>>,
  Holds<Reads<Rate, RowOf<'/api/suppliers/{id}/rates'>>>,
  Holds<Reads<Rate, RowOf<'/api/variants/{id}/rates'>>>,
  Holds<Reads<SupplierComparison, ResponseOf<'/api/variants/{id}/supplier-comparison', 'get'>>>,
];

export type MarginShapes = [Holds<Reads<WhatIf, ResponseOf<'/api/rates/what-if', 'post'>>>, Holds<Reads<MarginWatch, ResponseOf<'/api/margins/watch', 'get'>>>];

export type ValuationShapes = [
  Holds<Reads<StockValue, ResponseOf<'/api/stock/value', 'get'>>>,
  Holds<Reads<StockValueTotal, ResponseOf<'/api/stock/value/total', 'get'>>>,
  Holds<Reads<OpenOrders, ResponseOf<'/api/purchase-orders/open', 'get'>>>,
];

export type PlanningShapes = [
  Holds<Reads<Suggestions, ResponseOf<'/api/purchasing/suggestions', 'get'>>>,
  Holds<Reads<{ purchaseOrders: OrderLink[] }, ResponseOf<'/api/purchasing/suggestions/orders', 'post'>>>,
  Holds<Reads<SupplierLedger, ResponseOf<'/api/suppliers/{id}/ledger', 'get'>>>,
  Holds<Reads<PurchaseHistory, ResponseOf<'/api/suppliers/{id}/ledger/variants/{variantId}', 'get'>>>,
];

export type PurchasingShapes = [
  Holds<Reads<OrderStatusInfo, RowOf<'/api/purchase-orders/statuses'>>>,
  Holds<Reads<OrderSummary, RowOf<'/api/purchase-orders', 'purchaseOrders'>>>,
  Holds<Reads<Order, ResponseOf<'/api/purchase-orders/{id}', 'get'>>>,
  Holds<Reads<Order, ResponseOf<'/api/purchase-orders', 'post'>>>,
  Holds<Reads<{ order: Order }, ResponseOf<'/api/purchase-orders/{id}/lines', 'post'>>>,
  Holds<Reads<{ order: Order }, ResponseOf<'/api/purchase-orders/{id}/lines/{lineId}', 'patch'>>>,
  Holds<Reads<Order, ResponseOf<'/api/purchase-orders/{id}/send', 'post'>>>,
  Holds<Reads<ReceiptSummary, RowOf<'/api/goods-receipts', 'receipts'>>>,
  Holds<Reads<Receipt, ResponseOf<'/api/goods-receipts/{id}', 'get'>>>,
  Holds<Reads<Receipt, ResponseOf<'/api/goods-receipts', 'post'>>>,
  Holds<Reads<Receipt, ResponseOf<'/api/goods-receipts/{id}/reverse', 'post'>>>,
  Holds<Reads<Receipt, ResponseOf<'/api/goods-receipts/{id}/charges', 'post'>>>,
];

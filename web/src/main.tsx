import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { Outlet, Route, RouterProvider, createBrowserRouter, createRoutesFromElements } from 'react-router';
import { Loading } from './feedback.tsx';
import { Layout } from './Layout.tsx';
import { RequireSession, SessionProvider } from './session.tsx';
import { SettingsProvider } from './settings.tsx';
import './styles.css';

// Each page is its own chunk, fetched when first visited: the first load carries only the frame.
const Login = lazy(() => import('./pages/Login.tsx'));
const Dashboard = lazy(() => import('./pages/Dashboard.tsx'));
const Items = lazy(() => import('./pages/Items.tsx'));
const ItemDetail = lazy(() => import('./pages/ItemDetail.tsx'));
const Suppliers = lazy(() => import('./pages/Suppliers.tsx'));
const SupplierDetail = lazy(() => import('./pages/SupplierDetail.tsx'));
const Subprocesses = lazy(() => import('./pages/Subprocesses.tsx'));
const Processes = lazy(() => import('./pages/Processes.tsx'));
const ProcessEditor = lazy(() => import('./pages/ProcessEditor.tsx'));
const Lots = lazy(() => import('./pages/Lots.tsx'));
const LotNew = lazy(() => import('./pages/LotNew.tsx'));
const LotDetail = lazy(() => import('./pages/LotDetail.tsx'));
const PurchaseOrders = lazy(() => import('./pages/PurchaseOrders.tsx'));
const PurchaseOrderNew = lazy(() => import('./pages/PurchaseOrderNew.tsx'));
const PurchaseOrderDetail = lazy(() => import('./pages/PurchaseOrderDetail.tsx'));
const PurchaseOrderReceive = lazy(() => import('./pages/PurchaseOrderReceive.tsx'));
const PurchaseOrderPrint = lazy(() => import('./pages/PurchaseOrderPrint.tsx'));
const GoodsReceipts = lazy(() => import('./pages/GoodsReceipts.tsx'));
const GoodsReceiptNew = lazy(() => import('./pages/GoodsReceiptNew.tsx'));
const GoodsReceiptDetail = lazy(() => import('./pages/GoodsReceiptDetail.tsx'));
const Imports = lazy(() => import('./pages/Imports.tsx'));
const ImportDetail = lazy(() => import('./pages/ImportDetail.tsx'));
const Users = lazy(() => import('./pages/Users.tsx'));
const Settings = lazy(() => import('./pages/Settings.tsx'));
const Suggestions = lazy(() => import('./pages/Suggestions.tsx'));
const StockValue = lazy(() => import('./pages/StockValue.tsx'));
const SchemaHealth = lazy(() => import('./pages/SchemaHealth.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

/** Above every page: who is signed in, and a page that is still loading its chunk. */
function Root() {
  return (
    <SessionProvider>
      <Suspense fallback={<Loading />}>
        <Outlet />
      </Suspense>
    </SessionProvider>
  );
}

// A data router, so a page can hold the user back from leaving it (useBlocker) by a link or by
// the browser's Back button alike.
const router = createBrowserRouter(
  createRoutesFromElements(
    <Route element={<Root />}>
      <Route path="/login" element={<Login />} />
      <Route
        element={
          <RequireSession>
            <SettingsProvider>
              <Layout />
            </SettingsProvider>
          </RequireSession>
        }
      >
        <Route index element={<Dashboard />} />
        <Route path="items" element={<Items />} />
        <Route path="items/:id" element={<ItemDetail />} />
        <Route path="suppliers" element={<Suppliers />} />
        <Route path="suppliers/:id" element={<SupplierDetail />} />
        <Route path="subprocesses" element={<Subprocesses />} />
        <Route path="processes" element={<Processes />} />
        <Route path="processes/:id" element={<ProcessEditor />} />
        <Route path="lots" element={<Lots />} />
        <Route path="lots/new" element={<LotNew />} />
        <Route path="lots/:id" element={<LotDetail />} />
        <Route path="purchase-orders" element={<PurchaseOrders />} />
        <Route path="purchase-orders/new" element={<PurchaseOrderNew />} />
        <Route path="purchase-orders/:id" element={<PurchaseOrderDetail />} />
        <Route path="purchase-orders/:id/receive" element={<PurchaseOrderReceive />} />
        <Route path="purchase-orders/:id/print" element={<PurchaseOrderPrint />} />
        <Route path="goods-receipts" element={<GoodsReceipts />} />
        <Route path="goods-receipts/new" element={<GoodsReceiptNew />} />
        <Route path="goods-receipts/:id" element={<GoodsReceiptDetail />} />
        <Route path="stock/value" element={<StockValue />} />
        <Route path="purchasing/suggestions" element={<Suggestions />} />
        <Route path="imports" element={<Imports />} />
        <Route path="imports/:id" element={<ImportDetail />} />
        <Route path="users" element={<Users />} />
        <Route path="settings" element={<Settings />} />
        <Route path="schema" element={<SchemaHealth />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Route>,
  ),
);

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);

import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router';
import { Loading } from './feedback.tsx';
import { Layout } from './Layout.tsx';
import { RequireSession, SessionProvider } from './session.tsx';
import './styles.css';

// Each page is its own chunk, fetched when first visited: the first load carries only the frame.
const Login = lazy(() => import('./pages/Login.tsx'));
const Dashboard = lazy(() => import('./pages/Dashboard.tsx'));
const Items = lazy(() => import('./pages/Items.tsx'));
const ItemDetail = lazy(() => import('./pages/ItemDetail.tsx'));
const NotFound = lazy(() => import('./pages/NotFound.tsx'));

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/login" element={<Login />} />
            <Route
              element={
                <RequireSession>
                  <Layout />
                </RequireSession>
              }
            >
              <Route index element={<Dashboard />} />
              <Route path="items" element={<Items />} />
              <Route path="items/:id" element={<ItemDetail />} />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </Suspense>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);

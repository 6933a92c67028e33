// The web app in a real browser (Debian's chromium), over `mtc serve` with the demo data, on
// PGlite and on the PostgreSQL server: every page, as its users use it, found by its labels,
// roles and headings; each page screenshotted (test/.artifacts/screenshots/), with no console
// error, page error or failed request and no serious axe-core violation. The areas are in
// test/web/areas/, one per part of the app, and run in this order on one server per backend; the
// last opens every page at a laptop's and a tablet's width, and as each role.
import { webSuites } from './harness.ts';
import './areas/app.ts';
import './areas/admin.ts';
import './areas/items.ts';
import './areas/codes.ts';
import './areas/suppliers.ts';
import './areas/processes.ts';
import './areas/lots.ts';
import './areas/imports.ts';
// After imports: its first test reads the demo's empty list of imports, and this area uploads one.
import './areas/margins.ts';
import './areas/purchasing.ts';
import './areas/landed-costs.ts';
import './areas/buy-make-value.ts';
import './areas/reorder.ts';
import './areas/confirm.ts';
import './areas/every-page.ts';
import './areas/settings.ts';

webSuites('the web app in a real browser');

// Takes the README's screenshots (docs/images/): the dashboard, the process editor and a rate's
// what-if before saving, over
// the demo data, in Debian's chromium at a desktop's size. Run after `npm run build`:
//   npx node scripts/readme-screenshots.ts   (on Node 24, which strips its types)
import { join } from 'node:path';
import { launchChromium } from '../test/helpers/browser.ts';
import { pgliteBackend } from '../test/helpers/backends.ts';
import { submitLogin } from '../test/web/harness.ts';
import { serveDemo } from '../test/web/server.ts';

const out = join(new URL('..', import.meta.url).pathname, 'docs', 'images');
const [browser, server] = await Promise.all([launchChromium(), serveDemo(pgliteBackend)]);
try {
  const page = await (await browser.newContext({ baseURL: server.url, viewport: { width: 1280, height: 860 } })).newPage();
  await page.goto('/login');
  await submitLogin(page, server.admin.email, server.admin.password);
  await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
  await page
    .getByText('Loading…')
    .first()
    .waitFor({ state: 'detached' })
    .catch(() => undefined);
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…'));
  await page.screenshot({ path: join(out, 'dashboard.png'), fullPage: true });

  // The demo's kids' bicycle: its cost, the chart of costs by subprocess and its first steps.
  const list = (await (await page.request.get('/api/processes?q=Sparrow')).json()) as { processes: { processId: number }[] };
  await page.goto(`/processes/${list.processes[0]!.processId}`);
  await page.getByRole('heading', { level: 2, name: 'Costs by subprocess' }).or(page.getByText('Costs by subprocess')).first().waitFor();
  await page.waitForFunction(() => !document.body.innerText.includes('Loading…') && !document.body.innerText.includes('Fetching the rates'));
  await page.setViewportSize({ width: 1280, height: 1700 });
  await page.screenshot({ path: join(out, 'process-editor.png') });

  // A rate's what-if: the dearest rate of the demo Comet's first variant made five times dearer, not saved.
  const comet = (await (await page.request.get('/api/processes?q=Comet')).json()) as { processes: { processId: number }[] };
  const tree = (await (await page.request.get(`/api/processes/${comet.processes[0]!.processId}`)).json()) as { steps: { lines: { variantId: number }[] }[] };
  const variantId = tree.steps.flatMap((s) => s.lines)[0]!.variantId;
  const { highest: rate } = (await (await page.request.get(`/api/variants/${variantId}/supplier-comparison`)).json()) as {
    highest: { rateId: number; supplierId: number; costPerUnit: string; effectiveFrom: string };
  };
  const variant = (await (await page.request.get(`/api/variants/${variantId}`)).json()) as { item: string; color: string; size: string };
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`/suppliers/${rate.supplierId}`);
  await page.getByLabel('Search rates', { exact: true }).fill(variant.item);
  const day = rate.effectiveFrom.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3/$2/$1');
  await page.getByRole('button', { name: `Edit the rate for ${variant.item} — ${variant.color} / ${variant.size} from ${day}`, exact: true }).click();
  await page.getByLabel('Rate per unit', { exact: true }).fill((Number(rate.costPerUnit) * 5 + 10).toFixed(2));
  const form = page.locator('fieldset').filter({ has: page.getByRole('region', { name: 'Margins before saving' }) });
  await form.getByRole('table').waitFor();
  await form.screenshot({ path: join(out, 'rate-what-if.png') });
  console.log(`wrote ${join(out, 'dashboard.png')}, ${join(out, 'process-editor.png')} and ${join(out, 'rate-what-if.png')}`);
} finally {
  await browser.close();
  await server.stop();
}

// Takes the README's screenshots (docs/images/): the dashboard and the process editor, over
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
  console.log(`wrote ${join(out, 'dashboard.png')} and ${join(out, 'process-editor.png')}`);
} finally {
  await browser.close();
  await server.stop();
}

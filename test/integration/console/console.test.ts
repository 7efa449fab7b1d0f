/**
 * The web console in a real browser (chromium through playwright-core) against a real worker on the real Kafka, with
 * a tenants document so the console signs in with a token like any API client: create a connector through the form
 * generated from the plugin's config definition, see a validation error inline, watch the connector reach RUNNING
 * with its throughput and sandbox figures, pause, edit, resume and restart it, read a failed task's trace, find a
 * rejected bundle and the worker holding the tasks, sign in as another tenant that sees none of it, and delete it.
 * Screenshots: .tmp/screenshots/console/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser } from '../../helpers/browser.ts';
import type { TestBrowser } from '../../helpers/browser.ts';
import { eventually, kafkaFixture, uniqueName } from '../kafka/helpers.ts';
import type { KafkaFixture } from '../kafka/helpers.ts';
import { startRestWorker, tempDir } from '../rest/helpers.ts';
import type { RestWorker } from '../rest/helpers.ts';

const DATAGEN = 'io.conveyor.plugins.datagen.DatagenSource';
const TOKEN = `console-admin-${uniqueName('t')}`;
const VIEWER_TOKEN = `console-viewer-${uniqueName('t')}`;

// Assigned in before(); after() closes whatever before() got as far as starting.
let fx: KafkaFixture;
let w: RestWorker;
let tmp: { dir: string; remove(): Promise<void> };
let b: TestBrowser;

before(async () => {
  fx = await kafkaFixture();
  tmp = await tempDir();
  const tenants = join(tmp.dir, 'tenants.json');
  const hash = (t: string): string => `sha256:${createHash('sha256').update(t).digest('hex')}`;
  await writeFile(tenants, JSON.stringify({ tenants: { ops: { role: 'admin', tokens: [hash(TOKEN)] }, globex: { role: 'viewer', tokens: [hash(VIEWER_TOKEN)] } } }));
  // A bundle the worker refuses (its manifest names no code), for the plugins view.
  const plugins = join(tmp.dir, 'plugins');
  await mkdir(join(plugins, 'broken-bundle'), { recursive: true });
  await writeFile(join(plugins, 'broken-bundle', 'manifest.json'), JSON.stringify({ name: 'broken-bundle', version: '1.0.0', type: 'source' }));
  w = await startRestWorker(tmp.dir, { 'conveyor.tenants.file': tenants }, [plugins]);
  b = await launchBrowser('console');
});

after(async () => {
  await b?.close();
  await w?.close();
  await fx?.cleanup();
  await tmp?.remove();
});

const auth = { authorization: `Bearer ${TOKEN}` };

void test('the web console: sign in, create through the form, inline validation, RUNNING, pause, edit, resume, restart, trace, plugins, workers, tenancy, delete', { timeout: 180_000 }, async () => {
  const { page } = b;
  const topic = await fx.topic('console');
  const name = uniqueName('console-gen');

  // The page and its assets need no token; the API does, so the console asks for one.
  const res = await fetch(`${w.url}/ui/`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
  await page.goto(`${w.url}/ui/`);
  await page.locator('form.signin').waitFor();
  await b.screenshot('01-sign-in');
  await page.fill('input[name="token"]', TOKEN);
  await page.click('form.signin button[type="submit"]');
  await page.getByText('No connectors yet.').waitFor();

  // The form is generated from DatagenSource's config definition; a value out of range is shown beside its field.
  await page.click('text=New connector');
  await page.selectOption('#field-plugin', DATAGEN);
  await page.fill('#field-name', name);
  await page.locator('[data-field="topic"] input').waitFor();
  assert.equal(await page.locator('[data-field="rate"] .doc').textContent(), 'Records per second per task; 0 means as fast as possible.');
  await page.fill('[data-field="topic"] input', topic);
  await page.fill('[data-field="rate"] input', '-5');
  await page.locator('[data-field="rate"] input').blur();
  const rateError = page.locator('.field-error[data-error-for="rate"]');
  await rateError.waitFor();
  assert.match((await rateError.textContent()) ?? '', /at least 0/);
  assert.equal(await page.locator('[data-field="rate"] input').getAttribute('aria-invalid'), 'true');
  await b.screenshot('02-validation-error');
  // Submitting an invalid config creates nothing.
  await page.click('form.connector-form button[type="submit"]');
  await page.locator('.form-error').waitFor();
  assert.equal((await w.call('GET', `/connectors/${name}`, undefined, { headers: auth })).status, 404);

  await page.fill('[data-field="rate"] input', '50');
  await page.locator('[data-field="rate"] input').blur();
  await rateError.waitFor({ state: 'detached' });
  await page.click('form.connector-form button[type="submit"]');

  // The detail view: the connector and its task reach RUNNING on this worker, with the isolate's memory shown.
  await page.waitForURL((u) => u.hash === `#/connectors/${name}`);
  await page.locator('h1 + .badge[data-state="RUNNING"]').waitFor({ timeout: 60_000 });
  await page.locator('tr[data-task="0"] .badge[data-state="RUNNING"]').waitFor({ timeout: 60_000 });
  await eventually(async () => (/MiB|KiB/.test((await page.locator('tr[data-task="0"] [data-heap]').textContent()) ?? '') ? true : undefined), 'the isolate heap shown', 30_000);
  assert.match((await page.locator('tr[data-task="0"]').textContent()) ?? '', /rest-test/);
  // Live throughput: records per second between two scrapes of /metrics (the task produces about 50 a second).
  await eventually(async () => (/^[1-9][\d.]*\/s$/.test(((await page.locator('tr[data-task="0"] [data-rate]').textContent()) ?? '').trim()) ? true : undefined), 'the task throughput shown', 30_000);
  const created = (await w.call('GET', `/connectors/${name}/config`, undefined, { headers: auth })).body as Record<string, string>;
  assert.equal(created['topic'], topic);
  assert.equal(created['rate'], '50');
  assert.equal(created['connector.class'], DATAGEN);
  await b.screenshot('03-running');

  // Pause from the console: the worker's status says PAUSED, and so does the page.
  await page.click('.toolbar button:text("Pause")');
  await page.locator('h1 + .badge[data-state="PAUSED"]').waitFor({ timeout: 30_000 });
  const status = (await w.call('GET', `/connectors/${name}/status`, undefined, { headers: auth })).body as { connector: { state: string } };
  assert.equal(status.connector.state, 'PAUSED');
  await b.screenshot('04-paused');

  // Edit: the form comes back filled with the stored config; a changed value is saved with PUT.
  await page.click('.toolbar a:text("Edit")');
  const rate = page.locator('[data-field="rate"] input');
  await rate.waitFor();
  assert.equal(await rate.inputValue(), '50');
  assert.equal(await page.locator('[data-field="topic"] input').inputValue(), topic);
  await rate.fill('20');
  await page.click('form.connector-form button[type="submit"]');
  await page.waitForURL((u) => u.hash === `#/connectors/${name}`);
  await eventually(async () => ((await w.call('GET', `/connectors/${name}/config`, undefined, { headers: auth })).body as Record<string, string>)['rate'] === '20' || undefined, 'the edited rate stored');

  // Resume, then restart with its tasks: RUNNING again each time.
  await page.click('.toolbar button:text("Resume")');
  await page.locator('h1 + .badge[data-state="RUNNING"]').waitFor({ timeout: 30_000 });
  const restartsBefore = w.lines.filter((l) => l.includes('"task state"') && l.includes(name) && l.includes('"to":"RUNNING"')).length;
  await page.click('.toolbar button:text("Restart")');
  // The task started again (a new RUNNING transition in the worker's log), and the page shows it RUNNING.
  await eventually(() => (w.lines.filter((l) => l.includes('"task state"') && l.includes(name) && l.includes('"to":"RUNNING"')).length > restartsBefore ? true : undefined), 'the task restarted', 60_000);
  await eventually(async () => {
    const st = (await w.call('GET', `/connectors/${name}/status`, undefined, { headers: auth })).body as { connector: { state: string }; tasks: { state: string }[] };
    return st.connector.state === 'RUNNING' && st.tasks[0]?.state === 'RUNNING' ? true : undefined;
  }, 'RUNNING after the restart', 60_000);
  await page.locator('tr[data-task="0"] .badge[data-state="RUNNING"]').waitFor({ timeout: 30_000 });

  // The list: the connector with its state.
  await page.click('header >> text=Connectors');
  await page.locator(`tr[data-connector="${name}"] .badge[data-state="RUNNING"]`).waitFor();
  await b.screenshot('05-connectors');

  // A failed task: its state and its trace, opened.
  const failing = uniqueName('console-fail');
  assert.equal((await w.call('POST', '/connectors', { name: failing, config: { 'connector.class': 'FileStreamSource', file: join(tmp.dir, 'missing.txt'), topic } }, { headers: auth })).status, 201);
  await page.click(`tr[data-connector="${failing}"] a`);
  await page.locator('tr[data-task="0"] .badge[data-state="FAILED"]').waitFor({ timeout: 60_000 });
  const trace = page.locator('tr.trace details[open] pre');
  await trace.waitFor();
  assert.match((await trace.textContent()) ?? '', /ENOENT: no such file or directory, open '.*missing\.txt'/);
  await b.screenshot('05b-failed-task');

  // Plugins: the built-in ones, and the refused bundle with the reason.
  await page.click('header >> text=Plugins');
  await page.locator('table.plugins').getByText(DATAGEN).waitFor();
  const rejected = page.locator('table.rejected tr', { hasText: 'broken-bundle' });
  await rejected.waitFor();
  assert.notEqual(((await rejected.locator('td.error').textContent()) ?? '').trim(), '');
  await b.screenshot('06-plugins');

  // Workers: who holds what.
  await page.click('header >> text=Workers');
  const worker = page.locator('.worker[data-worker="rest-test"]');
  await worker.getByText(`${name}-0`).waitFor();
  await b.screenshot('07-workers');

  // Another tenant, signed in with its own token, sees none of it: the console shows what the API lets that token see.
  await page.click('header button:text("Sign out")');
  await page.fill('input[name="token"]', VIEWER_TOKEN);
  await page.click('form.signin button[type="submit"]');
  await page.click('header >> text=Connectors');
  await page.getByText('No connectors yet.').waitFor();
  assert.equal(await page.locator(`tr[data-connector="${name}"]`).count(), 0);
  // /metrics names every tenant's connectors: a viewer is refused it, and the console says why it shows no figures.
  await page.getByText('live figures need an admin token (GET /metrics)').waitFor();
  await page.goto(`${w.url}/ui/#/connectors/${name}`);
  await page.getByText(`Connector ${name} not found`).waitFor();
  await b.screenshot('08-other-tenant');

  // Back as the admin: delete it from the list (after the browser's confirmation).
  await page.click('header button:text("Sign out")');
  await page.fill('input[name="token"]', TOKEN);
  await page.click('form.signin button[type="submit"]');
  await page.click('header >> text=Connectors');
  page.once('dialog', (d) => void d.accept());
  await page.locator(`tr[data-connector="${name}"] button:text("Delete")`).click();
  await page.locator(`tr[data-connector="${name}"]`).waitFor({ state: 'detached', timeout: 30_000 });
  assert.equal((await w.call('GET', `/connectors/${name}`, undefined, { headers: auth })).status, 404);

  // Nothing the console loaded came from anywhere but the worker.
  const foreign = b.requested.filter((u) => !u.startsWith(`${w.url}/`));
  assert.deepEqual(foreign, []);
});

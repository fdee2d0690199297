import { expect } from 'chai';
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { adminApp, STAFF_PASSWORD } from './helpers.js';
import { expectedIds, same, seedActionLog, type ActionLogWorld } from './action-log-fixture.js';

// The Action log's filters and CSV export as staff use them: the filter drawer of the list, then
// the Export CSV drawer, whose link downloads the filtered rows.
describe('admin: Action log filters and export in a browser', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let world: ActionLogWorld;

  before(async () => {
    world = await seedActionLog();
    server = await listen(await adminApp());
    browser = await openBrowser({ viewport: { width: 1400, height: 900 } });
    page = browser.page;
    await page.goto(`${server.base}/admin/login`);
    await page.fill('input[name=email]', 'staff@example.com');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${server.base}/admin`);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `admin-action-log-${name}.png`), fullPage: true });

  it('filters by actor (type and id) and verb in the filter drawer, then exports exactly those rows', async () => {
    const ann = { type: 'User', id: String(world.ann.id) };
    const expected = expectedIds(world.sent, (a) => same(a.actor, ann) && a.verb === 'liked');
    expect(expected.length).to.be.above(1);

    await page.goto(`${server.base}/admin/resources/action-log`);
    await page.locator('tbody tr').first().waitFor();
    await page.locator('[data-css="action-log-filter-button"]').click();
    const actorType = page.getByTestId('property-filter-actorType');
    await actorType.locator('input').fill('Use');
    await actorType.getByText('User', { exact: true }).click();
    await page.getByTestId('property-filter-actorId').locator('input').fill(String(world.ann.id));
    await page.getByTestId('property-filter-verb').locator('input').fill('liked');
    await shot('01-filter-drawer');
    await page.getByRole('button', { name: 'Apply changes' }).click();
    await page.waitForURL(/filters\.verb=liked/);
    const rows = page.locator('tbody tr');
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, expected.length);
    const texts = await rows.allInnerTexts();
    expect(texts.every((t) => t.includes('Ann') && t.includes('liked'))).to.equal(true);
    await page.locator('[data-css="action-log-filter-drawer"] button').first().click(); // close (X)
    await page.getByTestId('action-exportCsv').click({ trial: true }); // waits until the drawer has slid away
    await shot('02-filtered');

    await page.getByTestId('action-exportCsv').click();
    const drawer = page.getByTestId('action-log-export');
    await drawer.waitFor();
    const listed = await drawer.locator('li').allInnerTexts();
    expect(listed).to.include.members(['verb = liked', `actorId = ${world.ann.id}`, 'actorType = User']);
    await shot('03-export-drawer');
    const [download] = await Promise.all([page.waitForEvent('download'), drawer.getByTestId('action-log-export-link').click()]);
    expect(download.suggestedFilename()).to.match(/^action-log-\d{8}T\d{6}\.csv$/);
    const [header, ...records] = parse(readFileSync(await download.path()), { bom: true }) as string[][];
    expect(header.slice(0, 6)).to.deep.equal(['id', 'timestamp', 'actor_type', 'actor_id', 'actor', 'verb']);
    expect(records.map((r) => Number(r[0]))).to.deep.equal(expected);
  });
});

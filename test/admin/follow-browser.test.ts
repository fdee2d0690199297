import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Follow, withoutTracking } from 'actstream';
import { FOLLOW_VERBS } from '../../admin/follow-writes.js';
import { Group, User, trackAppModels } from '../../models/index.js';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/database.js';
import { adminApp, allActions, makeUser, STAFF_PASSWORD } from './helpers.js';

// Issue 15, 4a, in the real AdminJS UI: staff create a follow through the Follow resource's form
// (a wrong user id first, shown on its field, nothing saved), then find it and its action.
describe('admin in a browser: staff create a follow', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let untrack: () => void;
  let staff: User;
  let ann: User;
  let climbers: Group;

  before(async () => {
    await resetDatabase();
    staff = await makeUser('staff@example.com', true, 'Staff Sam');
    ann = await makeUser('ann@example.com', false, 'Ann');
    climbers = await withoutTracking(() => Group.create({ name: 'Climbers' }));
    untrack = trackAppModels();
    server = await listen(await adminApp());
    browser = await openBrowser({ viewport: { width: 1400, height: 900 } });
    page = browser.page;
  });

  after(async () => {
    untrack?.();
    await browser?.close();
    await server?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `admin-follow-${name}.png`), fullPage: true });

  it('fills the new-follow form, is told about a wrong user id, then saves the follow with its action', async () => {
    await page.goto(`${server.base}/admin/login`);
    await page.fill('input[name=email]', 'staff@example.com');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${server.base}/admin`);

    await page.goto(`${server.base}/admin/resources/follows`);
    await page.getByRole('link', { name: /create new/i }).click();
    await page.waitForURL(/\/admin\/resources\/follows\/actions\/new$/);
    await page.getByTestId('property-edit-userId').locator('input').fill('424242');
    const type = page.getByTestId('property-edit-contentType');
    await type.locator('input').fill('Gro');
    await page.getByText('Group', { exact: true }).last().click();
    await page.getByTestId('property-edit-objectId').locator('input').fill(String(climbers.id));
    await page.getByTestId('button-save').click();
    await page.getByText('No user with id 424242.').waitFor();
    await shot('1-wrong-user');
    expect(await Follow.count()).to.equal(0);
    expect(await allActions()).to.deep.equal([]);

    await page.getByTestId('property-edit-userId').locator('input').fill(String(ann.id));
    await page.getByTestId('button-save').click();
    await page.waitForURL(/\/admin\/resources\/follows(\?|$)/);
    await page.locator('tbody tr', { hasText: 'Climbers' }).first().waitFor();
    await shot('2-saved');
    const follows = await Follow.findAll({ raw: true });
    expect(follows.map((f) => [f.userId, f.contentType, f.objectId, f.flag])).to.deep.equal([[String(ann.id), 'Group', String(climbers.id), '']]);

    await page.goto(`${server.base}/admin/resources/action-log`);
    const row = page.locator('tbody tr', { hasText: FOLLOW_VERBS.added });
    await row.first().waitFor();
    const text = await row.first().innerText();
    expect(text).to.include('Staff Sam').and.include('Ann').and.include('Climbers');
    await shot('3-action-log');
    expect((await allActions()).map((a) => [a.actor, a.verb, a.actionObject, a.target])).to.deep.equal([
      [`User ${staff.id}`, FOLLOW_VERBS.added, `User ${ann.id}`, `Group ${climbers.id}`],
    ]);
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Action, withActor, withoutTracking } from 'actstream';
import { NOT_SAVED_MESSAGE } from 'actstream/adminjs';
import { Band, Concert, Group, Location, User, trackAppModels } from '../../models/index.js';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { resetDatabase } from '../helpers/database.js';
import { breakRecording, repairRecording } from '../helpers/recording-failure.js';
import { adminApp, makeUser, STAFF_PASSWORD } from './helpers.js';

// The real AdminJS UI in a real Chromium (test/helpers/chromium.ts): log in, create a concert through the form, then find
// its actions in the Action log, in the concert's Activity view and on the dashboard.
describe('admin in a browser', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let base: string;
  let page: Page;
  let untrack: () => void;

  before(async () => {
    await resetDatabase();
    await makeUser('staff@example.com', true, 'Staff Sam');
    await withoutTracking(async () => {
      await Band.create({ name: 'The Seeds' });
      await Location.create({ name: 'Town Hall', city: 'Ghent' });
    });
    untrack = trackAppModels();
    const app = await adminApp();
    server = await listen(app);
    base = server.base;
    browser = await openBrowser({ viewport: { width: 1400, height: 900 } });
    page = browser.page;
  });

  after(async () => {
    untrack?.();
    await browser?.close();
    await server?.close();
  });

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `admin-${name}.png`), fullPage: true });

  it('rejects a wrong password on the login page', async () => {
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', 'staff@example.com');
    await page.fill('input[name=password]', 'wrong password');
    await page.getByRole('button', { name: 'Login' }).click();
    await page.getByText(/wrong email and\/or password/i).waitFor();
    expect(page.url()).to.equal(`${base}/admin/login`);
    await shot('01-login-error');
  });

  it('logs in, creates a concert through the form and finds its actions everywhere', async () => {
    await page.fill('input[name=email]', 'staff@example.com');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${base}/admin`);
    await shot('02-dashboard-empty');

    await page.goto(`${base}/admin/resources/concerts/actions/new`);
    await page.getByTestId('property-edit-title').locator('input').fill('Browser Night');
    const date = page.getByTestId('property-edit-date').locator('input').first();
    await date.fill('2026-12-24 20:00');
    await date.press('Escape');
    for (const [field, option] of [
      ['bandId', 'The Seeds'],
      ['locationId', 'Town Hall'],
    ]) {
      const select = page.getByTestId(`property-edit-${field}`);
      await select.locator('input').fill(option.slice(0, 4));
      await page.getByText(option, { exact: false }).last().click();
    }
    await shot('03-concert-form');
    await page.getByTestId('button-save').click();
    await page.waitForURL(/\/admin\/resources\/concerts(\?|$)/);
    await shot('04-concert-saved');

    const concert = await Concert.findOne({ where: { title: 'Browser Night' } });
    expect(concert, 'the concert was saved').to.not.equal(null);

    await page.goto(`${base}/admin/resources/action-log`);
    const rows = page.locator('tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allInnerTexts();
    await shot('05-action-log');
    expect(texts.some((t) => t.includes('The Seeds') && t.includes('booked a concert') && t.includes('Browser Night') && t.includes('Town Hall, Ghent'))).to.equal(true);
    expect(texts.some((t) => t.includes('Staff Sam') && t.includes('created') && t.includes('Browser Night'))).to.equal(true);

    await page.locator('tbody tr', { hasText: 'booked a concert' }).first().click();
    await page.getByText(/The Seeds booked a concert Browser Night on Town Hall, Ghent/).waitFor();
    await shot('06-action-show');

    await page.goto(`${base}/admin/resources/concerts/records/${concert!.id}/activity`);
    const activity = page.getByTestId('activity-row');
    await activity.first().waitFor();
    const activityTexts = await activity.allInnerTexts();
    await shot('07-concert-activity');
    expect(activityTexts).to.have.length(2);
    expect(activityTexts[0]).to.include('booked a concert');
    expect(activityTexts[1]).to.include('created');

    await page.goto(`${base}/admin/resources/concerts/records/${concert!.id}/edit`);
    const title = page.getByTestId('property-edit-title').locator('input');
    await title.fill('Browser Night (sold out)');
    await page.getByTestId('button-save').click();
    await page.waitForURL(/\/admin\/resources\/concerts(\?|$)/);
    const updated = await Action.findOne({ where: { verb: 'updated', actionObjectId: String(concert!.id) } });
    expect(updated, 'the edit recorded an update').to.not.equal(null);
    await page.goto(`${base}/admin/resources/action-log/records/${updated!.id}/show`);
    const changes = page.getByTestId('action-changes');
    await changes.waitFor();
    await changes.scrollIntoViewIfNeeded();
    await shot('08-update-show');
    const cells = await changes.locator('tbody tr').first().locator('td').allInnerTexts();
    expect(cells).to.deep.equal(['title', 'Browser Night', 'Browser Night (sold out)', 'everyone']);
    expect(await page.getByText('Staff Sam updated Browser Night (sold out) 0 minutes ago').count()).to.equal(1);

    await page.goto(`${base}/admin`);
    const latest = page.getByTestId('dashboard-action');
    await latest.first().waitFor();
    const dashboard = await latest.allInnerTexts();
    await shot('09-dashboard');
    expect(dashboard.some((t) => t.includes('The Seeds booked a concert Browser Night (sold out) on Town Hall, Ghent'))).to.equal(true);
    expect(dashboard.some((t) => t.includes('Staff Sam created Browser Night (sold out)'))).to.equal(true);
    expect(dashboard.some((t) => t.includes('Staff Sam updated Browser Night (sold out)'))).to.equal(true);
  });

  it('when the action cannot be recorded, saves nothing, says so and keeps the form filled in; saving again works', async () => {
    const groups = await Group.count();
    await page.goto(`${base}/admin/resources/groups/actions/new`);
    const name = page.getByTestId('property-edit-name').locator('input');
    await name.fill('Not Half Saved');
    await breakRecording('hook');
    try {
      await page.getByTestId('button-save').click();
      await page.getByText(NOT_SAVED_MESSAGE).waitFor();
      await shot('11-not-saved');
      expect(page.url()).to.equal(`${base}/admin/resources/groups/actions/new`);
      expect(await name.inputValue()).to.equal('Not Half Saved');
      expect(await Group.count()).to.equal(groups);
    } finally {
      await repairRecording();
    }
    await page.getByTestId('button-save').click();
    await page.waitForURL(/\/admin\/resources\/groups(\?|$)/);
    const saved = await Group.findAll({ where: { name: 'Not Half Saved' } });
    expect(saved).to.have.length(1);
    expect(await Action.count({ where: { verb: 'created', actionObjectType: 'Group', actionObjectId: String(saved[0].id) } })).to.equal(1);
  });

  it("shows staff a user's public and private changes together, the private ones marked", async () => {
    const staff = (await User.findOne({ where: { email: 'staff@example.com' } }))!;
    const ann = await makeUser('ann@example.com', false, 'Ann');
    await withActor(staff, () => ann.update({ name: 'Ann B', email: 'ann.b@example.com' }));
    const updated = (await Action.findOne({ where: { verb: 'updated', actionObjectType: 'User', actionObjectId: String(ann.id) } }))!;
    await page.goto(`${base}/admin/resources/action-log/records/${updated.id}/show`);
    const changes = page.getByTestId('action-changes');
    await changes.waitFor();
    await changes.scrollIntoViewIfNeeded();
    await shot('10-private-changes');
    const rows = await changes.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText.trim())),
    );
    expect(rows).to.deep.equal([
      ['email', 'ann@example.com', 'ann.b@example.com', 'private: staff and the person concerned'],
      ['name', 'Ann', 'Ann B', 'everyone'],
    ]);
  });
});

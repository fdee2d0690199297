import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { action, unreadCount } from 'actstream';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

// The notifications page in Debian's chromium with JavaScript off: log in, see the unread count in
// the header and the unread items marked, "Mark all read", and one that arrived meanwhile stays unread.
describe('notifications page in a browser (no JavaScript)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let base: string;
  let page: Page;
  let w: World;

  before(async () => {
    const { app } = await testApp();
    w = await seedWorld();
    server = await listen(app);
    base = server.base;
    browser = await openBrowser({ viewport: { width: 1000, height: 700 }, javaScriptEnabled: false });
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('shows unread notifications and marks them all read with a plain form', async () => {
    await action.send(w.ann, { verb: 'joined', target: w.climbers, notify: [w.bob] });
    await action.send(w.bob, { verb: 'joined', target: w.climbers, notify: [w.bob] });
    await action.send(w.ann, { verb: 'cheered', target: w.climbers, notify: [w.bob] });

    await page.goto(`${base}/login`);
    await page.getByLabel(/email/i).fill('bob@example.com');
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForURL(`${base}/streams`);
    const header = page.getByRole('link', { name: /^Notifications/ });
    expect(await header.innerText()).to.equal('Notifications 3 unread');

    await header.click();
    await page.waitForURL(`${base}/notifications`);
    const unread = page.locator('ol.notifications li.unread');
    expect(await unread.count()).to.equal(3);
    expect(await unread.first().innerText()).to.match(/^New Ann cheered Climbers .+ ago$/);
    await page.screenshot({ path: join(ARTIFACTS, 'notifications-unread.png'), fullPage: true });

    // Grouped, the two "joined" fold into one line.
    await page.getByRole('link', { name: 'Group similar ones' }).click();
    await page.waitForURL(`${base}/notifications?grouped=true`);
    const groups = await page.locator('ol.notifications li').allInnerTexts();
    expect(groups).to.have.length(2);
    expect(groups[1]).to.match(/^New Bob <b>&amp; and Ann joined Climbers .+ ago \(2 actions\)$/);

    // Something arrives while the page is open: "Mark all read" leaves it unread.
    await action.send(w.ann, { verb: 'waved', target: w.climbers, notify: [w.bob] });
    await page.getByRole('button', { name: 'Mark all read' }).click();
    await page.waitForURL(`${base}/notifications?grouped=true`);
    const after = page.locator('ol.notifications li');
    expect(await after.count()).to.equal(3);
    expect(await page.locator('ol.notifications li.unread').count()).to.equal(1);
    expect(await after.first().innerText()).to.match(/^New Ann waved Climbers/);
    expect(await after.nth(1).innerText()).to.match(/^Ann cheered Climbers/);
    expect(await page.getByRole('link', { name: /^Notifications/ }).innerText()).to.equal('Notifications 1 unread');
    expect(await unreadCount(w.bob)).to.deep.equal({ count: 1, capped: false });
    await page.screenshot({ path: join(ARTIFACTS, 'notifications-read.png'), fullPage: true });

    // Unread only: just the one.
    await page.goto(`${base}/notifications`);
    await page.getByRole('link', { name: 'Unread only' }).click();
    await page.waitForURL(`${base}/notifications?unread=true`);
    expect(await page.locator('ol.notifications li').allInnerTexts()).to.have.length(1);
  });
});

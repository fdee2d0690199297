import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { action } from 'actstream';
import { liveHubOf } from '../../server/events/hub.js';
import { listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { PASSWORD, seedWorld, testApp, type World } from '../http/fixtures.js';

// The stream and feed pages in Chromium: an action sent while the page is open appears at the top
// of its list, without a reload; a private one appears only on its owner's feed.
describe('live pages in a browser', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let w: World;
  let closeHub: () => Promise<void>;

  before(async () => {
    const { app } = await testApp();
    closeHub = async () => liveHubOf(app)?.close();
    w = await seedWorld();
    server = await listen(app);
    browser = await openBrowser({ viewport: { width: 1000, height: 700 } });
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await closeHub?.();
    await server?.close();
  });

  it("a group's stream page shows a new action at the top without reloading", async () => {
    await page.goto(`${server.base}/streams/Group/${w.climbers.id}`);
    const items = page.locator('ol.stream li');
    const before = await items.count();
    // Marks the document: a reload would lose it.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.locator('ol.stream[data-live-state=open]').waitFor();
    await action.send(w.ann, { verb: 'rang the bell', target: w.climbers });
    await page.locator('ol.stream li.live').first().waitFor();
    expect(await items.count()).to.equal(before + 1);
    expect(await items.first().innerText()).to.match(/^Ann rang the bell Climbers just now$/);
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).to.equal(42);
  });

  it('the feed page shows what the user follows and their own private actions as they happen', async () => {
    await page.goto(`${server.base}/login`);
    await page.getByLabel(/email/i).fill('ann@example.com');
    await page.getByLabel(/password/i).fill(PASSWORD);
    await page.getByRole('button', { name: /log in/i }).click();
    await page.waitForURL(`${server.base}/streams`);
    await page.goto(`${server.base}/feed`);
    await page.locator('ol.stream[data-live-state=open]').waitFor();
    await action.send(w.ann, { verb: 'quietly <b>noted</b>', public: false });
    const live = page.locator('ol.stream li.live');
    await live.first().waitFor();
    expect(await live.first().innerText()).to.equal('Ann quietly <b>noted</b> just now private');
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { seedWorld, testApp, type World } from './fixtures.js';

// The public pages in a real Chromium: open a user's stream, follow a link in a sentence to the
// group's stream, and page back through the group's activity.
describe('public pages in a browser', function () {
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
    // The pages must read and navigate without JavaScript.
    browser = await openBrowser({ viewport: { width: 1000, height: 700 }, javaScriptEnabled: false });
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("opens a user's page and follows a link to the group's stream", async () => {
    await page.goto(`${base}/streams/User/${w.ann.id}`);
    expect(await page.locator('h1').textContent()).to.equal('Ann');
    const items = page.locator('ol.stream li');
    expect(await items.count()).to.equal(3);
    expect(await items.first().innerText()).to.match(/^Ann posted Comment \d+ on Climbers .+ ago$/);
    expect(await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href')).to.equal(`/feeds/any/User/${w.ann.id}.atom`);
    await page.screenshot({ path: join(ARTIFACTS, 'pages-user.png'), fullPage: true });

    await items.first().getByRole('link', { name: 'Climbers' }).click();
    await page.waitForURL(`${base}/streams/Group/${w.climbers.id}`);
    expect(await page.locator('h1').textContent()).to.equal('Climbers');
    const sentences = await page.locator('ol.stream li').allInnerTexts();
    expect(sentences).to.have.length(2);
    expect(sentences[1]).to.match(/^Ann joined Climbers .+ ago$/);
    expect(sentences.join('\n')).not.to.include('secretly');
    await page.screenshot({ path: join(ARTIFACTS, 'pages-group.png'), fullPage: true });
  });

  it('pages through a stream with the "Older activity" link', async () => {
    await page.goto(`${base}/streams/User?limit=2`);
    expect(await page.locator('ol.stream li').count()).to.equal(2);
    await page.getByRole('link', { name: /Older activity/ }).click();
    await page.waitForURL(/before=/);
    expect(await page.locator('ol.stream li').count()).to.equal(2);
    expect(await page.locator('ol.stream li').last().innerText()).to.match(/^Ann reached level 10 /);
    expect(await page.getByRole('link', { name: /Older activity/ }).count()).to.equal(0);
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { User } from '../../models/index.js';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { PASSWORD, seedWorld, testApp, type World } from './fixtures.js';

// Issue 15, part 3, in a real Chromium with JavaScript off, at a desktop and a phone width: log in,
// follow a group, see its activity in "Your feed", unfollow, log out. Screenshots of each step go to
// test/artifacts/follow-<width>-<step>.png (light), and one page in the dark scheme.
const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
];

for (const { name, viewport } of WIDTHS) {
  describe(`following from the pages in a browser (${name}, ${viewport.width} px)`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let browser: TestBrowser;
    let base: string;
    let page: Page;
    let w: World;

    const shot = (step: string) => page.screenshot({ path: join(ARTIFACTS, `follow-${viewport.width}-${step}.png`), fullPage: true });
    const feedItems = () => page.locator('ol.stream > li').allInnerTexts();

    before(async () => {
      const { app } = await testApp();
      w = await seedWorld();
      const cleo = User.build({ email: 'cleo@example.com', name: 'Cleo Dupont' });
      await cleo.setPassword(PASSWORD);
      await cleo.save();
      server = await listen(app);
      base = server.base;
      browser = await openBrowser({ viewport, javaScriptEnabled: false });
      page = browser.page;
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('logs in, follows a group, sees its activity in "Your feed", unfollows and logs out', async () => {
      await page.goto(`${base}/streams`);
      await page.getByRole('link', { name: 'Log in', exact: true }).click();
      await page.waitForURL(`${base}/login`);
      await shot('1-login');
      await page.getByLabel('Email').fill('cleo@example.com');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(`${base}/streams`);
      await shot('2-streams');

      await page.getByRole('link', { name: 'Your feed' }).click();
      await page.waitForURL(`${base}/feed`);
      expect(await page.locator('main p.empty').innerText()).to.match(/^Nothing here yet/);

      // To the group through the stream index and a sentence's link.
      await page.getByRole('link', { name: 'Streams', exact: true }).click();
      await page.waitForURL(`${base}/streams`);
      await page.getByRole('link', { name: 'Group', exact: true }).click();
      await page.waitForURL(`${base}/streams/Group`);
      await page.locator('ol.stream').getByRole('link', { name: 'Climbers' }).first().click();
      await page.waitForURL(`${base}/streams/Group/${w.climbers.id}`);
      expect(await page.locator('h1').innerText()).to.equal('Climbers');
      expect(await page.locator('[data-count="followers"]').innerText()).to.equal('1 follower');
      await shot('3-group');

      await page.getByRole('button', { name: 'Follow', exact: true }).click();
      await page.waitForURL(`${base}/streams/Group/${w.climbers.id}`);
      expect(await page.locator('.follow-box .status').innerText()).to.equal('✓ You follow Climbers');
      expect(await page.locator('[data-count="followers"]').innerText()).to.equal('2 followers');
      expect(await page.getByRole('button', { name: 'Unfollow' }).count()).to.equal(1);
      await shot('4-following');

      await page.getByRole('link', { name: 'Your feed' }).click();
      await page.waitForURL(`${base}/feed`);
      const items = await feedItems();
      // Everything about Climbers: Ann's posts, and Cleo's own follow of it.
      expect(items).to.have.length(3);
      expect(items[0]).to.match(/^Cleo Dupont started following Climbers .+ ago$/);
      expect(items[1]).to.match(new RegExp(`^Ann posted Comment ${w.comment.id} on Climbers .+ ago$`));
      expect(items[2]).to.match(/^Ann joined Climbers .+ ago$/);
      // The absolute time is the relative one's tooltip.
      expect(await page.locator('ol.stream time').nth(1).getAttribute('title')).to.equal('1 Nov 2026, 12:03 UTC');
      await shot('5-feed');

      // The menu under the avatar (a <details>, so it opens without JavaScript).
      await page.locator('header details.dropdown summary').click();
      await page.locator('header').getByRole('link', { name: 'You follow', exact: true }).waitFor();
      await shot('6-menu');
      await page.locator('header').getByRole('link', { name: 'You follow', exact: true }).click();
      await page.waitForURL(/\/following\/\d+$/);
      expect(await page.locator('h1').innerText()).to.equal('You follow');
      expect(await page.locator('ul.people > li').allInnerTexts()).to.deep.equal(['Climbers']);

      await page.locator('ul.people').getByRole('link', { name: 'Climbers' }).click();
      await page.waitForURL(`${base}/streams/Group/${w.climbers.id}`);
      await page.getByRole('button', { name: 'Unfollow' }).click();
      await page.waitForURL(`${base}/streams/Group/${w.climbers.id}`);
      expect(await page.getByRole('button', { name: 'Follow', exact: true }).count()).to.equal(1);
      expect(await page.locator('[data-count="followers"]').innerText()).to.equal('1 follower');

      await page.getByRole('link', { name: 'Your feed' }).click();
      await page.waitForURL(`${base}/feed`);
      // Climbers' activity is gone; what Cleo did herself stays in her feed.
      const left = await feedItems();
      expect(left).to.have.length(1);
      expect(left[0]).to.match(/^Cleo Dupont started following Climbers .+ ago$/);

      await page.locator('header details.dropdown summary').click();
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(`${base}/streams`);
      expect(await page.getByRole('link', { name: 'Log in', exact: true }).count()).to.equal(1);
      expect(await page.getByRole('link', { name: 'Your feed' }).count()).to.equal(0);
    });
  });
}

describe('the pages in the dark colour scheme', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    const { app } = await testApp();
    await seedWorld();
    server = await listen(app);
    browser = await openBrowser({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('follows prefers-color-scheme: a dark background with light text', async () => {
    const { page } = browser;
    await page.goto(`${server.base}/streams/User`);
    const colours = await page.evaluate(() => {
      const style = getComputedStyle(document.body);
      return { background: style.backgroundColor, text: style.color };
    });
    const lightness = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    expect(lightness(colours.background)).to.be.below(80);
    expect(lightness(colours.text)).to.be.above(150);
    await page.screenshot({ path: join(ARTIFACTS, 'follow-1280-dark.png'), fullPage: true });
  });
});

import { expect } from 'chai';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { action, withoutTracking } from 'actstream';
import { Band, Concert, Group, Location, User } from '../../models/index.js';
import { createApp } from '../../server/app.js';
import { ARTIFACTS, listen, openBrowser, type TestBrowser, type TestServer } from '../helpers/browser.js';
import { database, resetDatabase } from '../helpers/database.js';
import { makeUser, STAFF_PASSWORD } from '../admin/helpers.js';

// Each payload would set window.__xss or request /xss-beacon if it ever ran.
const P = {
  script: '<script>window.__xss="script";fetch("/xss-beacon?script")</script>',
  img: '<img src=x onerror="window.__xss=\'img\';fetch(\'/xss-beacon?img\')">',
  svg: '<svg onload="window.__xss=\'svg\'"></svg>',
  attr: '" autofocus onfocus="window.__xss=\'attr\'" x="',
  url: 'javascript:window.__xss="url"',
};

describe('reliability: HTML and script in data are escaped (browser)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let browser: TestBrowser;
  let base: string;
  let page: Page;
  const beacons: string[] = [];
  let ids: { user: number; group: number; concert: number; band: number; action: number };

  before(async function () {
    const sequelize = await database();
    await resetDatabase();
    await makeUser('staff@example.com', true);
    ids = await withoutTracking(async () => {
      const user = await User.create({ email: 'mallory@example.com', name: `Mallory ${P.img}` });
      const group = await Group.create({ name: `Group ${P.script}` });
      const band = await Band.create({ name: `Band ${P.svg}` });
      const hall = await Location.create({ name: `Hall ${P.attr}`, city: P.url });
      const concert = await Concert.create({ title: `Concert ${P.script}`, date: new Date('2026-12-01T20:00:00Z'), bandId: band.id, locationId: hall.id });
      const sent = await action.send(user, { verb: `posted ${P.script}`, actionObject: concert, target: group, description: `About ${P.img}`, data: { note: P.svg, link: P.url } });
      await action.send(band, { verb: `booked ${P.img}`, actionObject: concert, target: hall });
      return { user: user.id, group: group.id, concert: concert.id, band: band.id, action: sent.id };
    });
    const app = await createApp({ sequelize, config: { sessionSecret: 'xss-browser-test', production: false } });
    server = await listen(app);
    base = server.base;
    browser = await openBrowser({ viewport: { width: 1300, height: 900 } });
    browser.context.on('request', (req) => {
      if (req.url().includes('xss-beacon')) beacons.push(req.url());
    });
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function visit(path: string, shot: string, waitFor?: string): Promise<string> {
    await page.goto(base + path);
    if (waitFor) await page.getByText(waitFor, { exact: false }).first().waitFor();
    await page.waitForLoadState('load');
    await page.screenshot({ path: join(ARTIFACTS, `xss-${shot}.png`), fullPage: true });
    const ran = await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss);
    expect(ran, `a payload ran on ${path}`).to.equal(undefined);
    expect(beacons, `a payload made a request from ${path}`).to.deep.equal([]);
    return page.locator('body').innerText();
  }

  it('public pages show the payloads as text and run none of them', async () => {
    for (const [path, shot] of [
      [`/streams/Group/${ids.group}`, 'group-stream'],
      [`/streams/User/${ids.user}`, 'user-stream'],
      [`/streams/Concert/${ids.concert}`, 'concert-stream'],
      [`/streams/Band/${ids.band}`, 'band-stream'],
      [`/actions/${ids.action}`, 'action-page'],
      ['/streams/Concert', 'model-stream'],
    ] as const) {
      const text = await visit(path, shot);
      expect(text, path).to.include('window.__xss');
    }
    // Links built from data never become javascript: URLs.
    const hrefs = await page.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => /^\s*javascript:/i.test(h))).to.deep.equal([]);
  });

  it('feeds and JSON carry the payloads escaped', async () => {
    const atom = await request(base).get(`/feeds/any/Group/${ids.group}.atom`).expect(200);
    const rss = await request(base).get(`/feeds/any/Group/${ids.group}.rss`).expect(200);
    // Atom: text and HTML constructs are entity-escaped, so no raw tag appears anywhere.
    expect(atom.text).to.include('posted');
    expect(atom.text).not.to.match(/<script>|<img |<svg /);
    // RSS: descriptions are HTML and carry the payloads escaped; titles are plain text by the RSS 2.0
    // specification (the feed library wraps them in CDATA, which is the same text).
    const descriptions = [...rss.text.matchAll(/<item>[\s\S]*?<description>([\s\S]*?)<\/description>/g)].map((m) => m[1]!);
    expect(descriptions.length).to.be.greaterThan(0);
    for (const description of descriptions) expect(description).not.to.match(/<script>|<img |<svg /);
    const json = await request(base).get(`/api/actions/${ids.action}`).expect(200);
    expect(json.type).to.equal('application/json');
    expect(json.body.verb).to.equal(`posted ${P.script}`);
    await visit(`/feeds/any/Group/${ids.group}.atom`, 'atom-feed');
  });

  it('the admin (dashboard, action log, action page, records, activity) runs none of them', async () => {
    await page.goto(`${base}/admin/login`);
    await page.fill('input[name=email]', 'staff@example.com');
    await page.fill('input[name=password]', STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Login' }).click();
    await page.waitForURL(`${base}/admin`);
    for (const [path, shot, waitFor] of [
      ['/admin', 'admin-dashboard', 'posted'],
      ['/admin/resources/action-log', 'admin-action-log', 'posted'],
      [`/admin/resources/action-log/records/${ids.action}/show`, 'admin-action-show', 'posted'],
      [`/admin/resources/groups/records/${ids.group}/show`, 'admin-group-show', 'Group'],
      [`/admin/resources/users/records/${ids.user}/show`, 'admin-user-show', 'Mallory'],
      [`/admin/resources/concerts/records/${ids.concert}/activity`, 'admin-concert-activity', 'posted'],
      ['/admin/resources/locations', 'admin-locations', 'Hall'],
    ] as const) {
      const text = await visit(path, shot, waitFor);
      expect(text, path).to.match(/<script>|<img|<svg|onfocus/);
    }
  });
});

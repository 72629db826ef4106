/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { API_TAGS } from '../../src/api-docs/api-tags.js';
import { deploy, type Deployment, startApi, type Api } from '../harness/spawned-api.js';
import { ADMIN, createStaff, STAFF_PASSWORD } from './desk-setup.js';

/**
 * A caseworker's first minutes in Swagger UI, in a real (headless) Chromium against the production
 * build: sign in with "Try it out", authorise, register a person, open a case, find it in the list,
 * reload and still be authorised. Waits on what the page shows, never on the clock; a failure keeps
 * a screenshot and prints its path (CI keeps the log).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(process.env.CTCM_TEST_ARTIFACTS ?? 'test-artifacts');
const STEP_TIMEOUT = 90_000;

describe('Swagger UI in a browser', () => {
  let d: Deployment;
  let api: Api;
  let browser: Browser;
  let caseworker: { email: string };

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM))
      throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does) or set CHROMIUM_PATH`);
    d = await deploy();
    api = await startApi(d, { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
    const staff = await createStaff(
      api.base,
      { nameEn: 'Desk test shelter', localType: 'shelter', htcdsOrgType: 'NGO', provinceCode: 'LA-VT' },
      [{ name: 'khamla', roles: ['caseworker'] }],
    );
    caseworker = staff.users[0]!;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in CI containers needs --no-sandbox; a small /dev/shm needs the other.
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
      protocolTimeout: 180_000,
    });
  }, 300_000);

  afterAll(async () => {
    const chromium = browser?.process();
    await browser?.close().catch(() => undefined);
    // A browser that did not close must not keep the jest worker alive.
    if (chromium && chromium.exitCode === null) chromium.kill('SIGKILL');
    await api?.stop();
    await d?.close();
  });

  it('signs in, authorises, creates a person, sees the case it opened, and stays authorised after a reload', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    await page.setViewport({ width: 1280, height: 1000 });
    const step = { name: 'open /docs' };
    try {
      await page.goto(`${api.base}/docs`, { waitUntil: 'load' });
      // Tags start collapsed (136 operations): the desk opens the one it needs, as the intro says.
      // Every tag is on the page (with every operation expanded at once, Swagger UI showed
      // none past 133 operations).
      expect(await page.$$eval('.opblock-tag-section', (sections) => sections.length)).toBe(API_TAGS.length);
      await openTag(page, 'sign-in');
      await page.waitForSelector('#operations-sign-in-signIn');

      step.name = 'sign in with POST /auth/login';
      const login = await tryItOut(page, 'sign-in', 'signIn', {
        email: caseworker.email,
        password: STAFF_PASSWORD,
      });
      expect(login.status).toBe('200');
      const token = JSON.parse(login.body).accessToken as string;
      expect(token).toMatch(/^ey/);

      step.name = 'authorise with the token';
      await page.click('.auth-wrapper .btn.authorize');
      await page.waitForSelector('.modal-ux input');
      await page.type('.modal-ux input', token);
      await page.click('.modal-ux .auth-btn-wrapper .btn.modal-btn.authorize');
      await page.waitForSelector('.modal-ux .btn-done');
      await page.click('.modal-ux .btn-done');
      await page.waitForSelector('.auth-wrapper .btn.authorize.locked');

      step.name = 'create a person with POST /persons';
      const person = await tryItOut(page, 'persons', 'createPerson', {
        names: { givenNameLatin: `Khamla${Date.now()}`, familyNameLatin: 'Desk test' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 2006 },
        homeProvinceCode: 'LA-SV',
        citizenships: ['LA'],
        languages: ['lao'],
      });
      expect(person).toMatchObject({ status: '201' });
      const personId = JSON.parse(person.body).id as string;

      step.name = 'open a case with POST /cases';
      const opened = await tryItOut(page, 'cases', 'createCase', { personId });
      expect(opened).toMatchObject({ status: '201' });
      const caseNumber = JSON.parse(opened.body).caseNumber as string;

      step.name = 'list cases with GET /cases (no filter sent)';
      const list = await tryItOut(page, 'cases', 'listCases');
      expect(list.status).toBe('200');
      expect(list.requestUrl).toBe(`${api.base}/cases`);
      expect(JSON.parse(list.body).items.map((c: { caseNumber: string }) => c.caseNumber)).toContain(caseNumber);

      step.name = 'reload: still authorised';
      await page.reload({ waitUntil: 'load' });
      await openTag(page, 'sign-in');
      await page.waitForSelector('#operations-sign-in-getCurrentUser');
      await page.waitForSelector('.auth-wrapper .btn.authorize.locked');
      const me = await tryItOut(page, 'sign-in', 'getCurrentUser');
      expect(me.status).toBe('200');
      expect(JSON.parse(me.body).email).toBe(caseworker.email);
    } catch (err) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `swagger-browser-${new Date().toISOString().replaceAll(':', '-')}.png`);
      await page.screenshot({ path: file as `${string}.png`, fullPage: true }).catch(() => undefined);
      process.stderr.write(`swagger-browser: failed at "${step.name}"; screenshot: ${file}\n`);
      throw new Error(`failed at "${step.name}" (screenshot: ${file}): ${(err as Error).message}`, { cause: err });
    } finally {
      await page.close().catch(() => undefined);
    }
  }, 600_000);
});

/**
 * Opens a tag's section unless it is open already. Right after a reload Swagger UI may render the
 * header again while the click looks for it (puppeteer: "not clickable"): it is looked up again.
 */
async function openTag(page: Page, tag: string): Promise<void> {
  const header = `#operations-tag-${tag}`;
  for (let attempt = 1; ; attempt++) {
    await page.waitForSelector(header, { visible: true });
    if ((await page.$eval(header, (h) => h.getAttribute('data-is-open'))) === 'true') return;
    try {
      await page.click(header);
      return;
    } catch (err) {
      if (attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** Expands an operation, presses "Try it out", replaces the body when given, executes and reads the answer. */
async function tryItOut(
  page: Page,
  tag: string,
  operationId: string,
  body?: unknown,
): Promise<{ status: string; body: string; requestUrl: string }> {
  const op = `#operations-${tag}-${operationId}`;
  await openTag(page, tag);
  await page.waitForSelector(op);
  if (!(await page.$(`${op}.is-open`))) await page.click(`${op} .opblock-summary-control`);
  await page.waitForSelector(`${op} .try-out__btn`);
  if (await page.$(`${op} .try-out__btn:not(.cancel)`)) await page.click(`${op} .try-out__btn`);
  if (body !== undefined) {
    const textarea = `${op} textarea.body-param__text`;
    await page.waitForSelector(textarea);
    await page.click(textarea);
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await page.keyboard.sendCharacter(JSON.stringify(body, null, 2));
    // Leaving the field hands the text to Swagger UI at once (it debounces typing).
    await page.keyboard.press('Tab');
    await page.waitForFunction(
      (selector, expected) => (document.querySelector(selector) as HTMLTextAreaElement | null)?.value === expected,
      {},
      textarea,
      JSON.stringify(body, null, 2),
    );
  }
  // A previous answer of this operation must not be read as this one's.
  await page.evaluate(
    (selector) =>
      document.querySelector(`${selector} .btn-clear`)?.dispatchEvent(new MouseEvent('click', { bubbles: true })),
    op,
  );
  await page.waitForFunction((selector) => !document.querySelector(`${selector} .live-responses-table`), {}, op);
  await page.click(`${op} .btn.execute`);
  await page.waitForSelector(`${op} .live-responses-table tr.response .response-col_status`);
  return page.$eval(op, (el) => {
    const status =
      el.querySelector('.live-responses-table tr.response .response-col_status')?.textContent?.trim() ?? '';
    const heading = [...el.querySelectorAll('.live-responses-table h5')].find((h) => h.textContent === 'Response body');
    const responseBody = heading?.nextElementSibling?.querySelector('pre')?.textContent ?? '';
    const requestUrl = el.querySelector('.request-url pre')?.textContent?.trim() ?? '';
    return { status, body: responseBody, requestUrl };
  });
}

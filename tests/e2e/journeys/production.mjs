// Production and shipping in a real browser (issue 7 items 5-7): the demo CA
// and its signer start beside nitelikd; AYŞE's form is approved with e-İmza
// (a demo token from scripts/demo-token.sh); the production operator logs in,
// runs a batch (her card: a SoftHSM2 token under the data folder), prints the
// PIN letter once, hands the card to the courier and moves the demo courier
// on; Gönderi Sorgulama shows Teslim Edildi with the status history.
// Screenshots: tests/out/e2e/production-*.png.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { AYSE, CAPTCHA, DATA, confirmBySms, demoToken, expectNoScriptErrors, openForm, personLogin,
  sign, staffLogin, startCA, stopCA, submitStep1 } from '../flows.mjs';

const TOKEN = { dir: join(DATA, 'imza-ayse'), label: 'ayse-kart' };

const { browser, context, page, problems } = await launch();
let orderNo = null;
let tracking = null;

await step('the demo CA, its signer and a demo token for AYŞE', async () => {
  await startCA();
  demoToken(TOKEN, [AYSE, 'AYŞE', 'YILMAZ']);
  expect(existsSync(join(TOKEN.dir, 'cert.pem')), 'no certificate on the token');
});

await step('AYŞE fills her form and approves it with e-İmza: Üretim Bekleniyor', async () => {
  const p = page;
  await personLogin(p, AYSE);
  await openForm(p);
  orderNo = /\/basvuru\/(\d+)\/form/.exec(p.url())[1];
  await submitStep1(p, { info_channel: 'both' });
  await confirmBySms(p, context, '0532 123 45 67');
  await Promise.all([p.waitForNavigation(),
    p.click('form:has(input[value="e_imza"]) button[type="submit"]')]);
  const code = (await p.textContent('#esign-code')).trim();
  const res = await sign(TOKEN, code);
  expect(res.rc === 0, `nitelik-imza: ${res.rc} ${res.err}`);
  await p.waitForURL((u) => u.pathname.endsWith('/sonuc'), { timeout: 15000 });
  await p.goto(`${BASE}/basvurularim`);
  expect((await p.textContent('main')).includes('Üretim Bekleniyor'), 'order not in production');
});

const opCtx = await browser.newContext({ locale: 'tr-TR', viewport: { width: 1300, height: 900 }, acceptDownloads: true });
const op = await opCtx.newPage();
op.on('pageerror', (e) => problems.push(String(e)));
op.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
const row = () => op.locator(`tr[data-order="SD-${orderNo}"]`).last();

await step('the production operator runs a batch: the card is produced', async () => {
  await staffLogin(op, 'uretim', 'uretim-demo');
  expect(new URL(op.url()).pathname === '/uretim', `operator's home: ${op.url()}`);
  await Promise.all([op.waitForNavigation(), op.click('#run-batch')]);
  expect((await op.textContent('main')).includes('Üretim partisi çalıştırıldı'), 'no notice');
  // The worker may have produced it a moment earlier: the queue says done either way.
  const state = await op.getAttribute(`.production-table tr[data-order="SD-${orderNo}"]`, 'data-state');
  expect(state === 'done', `state of SD-${orderNo}: ${state}`);
  const text = await op.textContent(`.production-table tr[data-order="SD-${orderNo}"]`);
  expect(text.includes('Üretildi') && text.includes(`SD${orderNo}-`), `row: ${text}`);
  await shot(op, 'production-1-batch');
});

await step('the PIN letter is printed once', async () => {
  const [dl] = await Promise.all([op.waitForEvent('download'),
    op.click(`.production-table tr[data-order="SD-${orderNo}"] form[action$="/pin-zarfi"] button`)]);
  expect(dl.suggestedFilename() === `pin-zarfi-SD-${orderNo}.pdf`, `file ${dl.suggestedFilename()}`);
  await op.goto(`${BASE}/uretim`);
  const n = await op.locator(`.production-table tr[data-order="SD-${orderNo}"] form[action$="/pin-zarfi"]`).count();
  expect(n === 0, 'the PIN letter is offered again');
});

await step('the card goes to the courier and the demo courier delivers it', async () => {
  await Promise.all([op.waitForNavigation(), op.click('#ship')]);
  tracking = await op.getAttribute(`.production-table tr[data-order="SD-${orderNo}"]`, 'data-tracking');
  expect(/^NK\d{11}$/.test(tracking || ''), `tracking number: ${tracking}`);
  expect((await op.textContent(`.production-table tr[data-order="SD-${orderNo}"]`)).includes('Kargoya Verildi'),
    'not handed over');
  await shot(op, 'production-2-shipped');
  for (let i = 0; i < 2; i++)
    await Promise.all([op.waitForNavigation(),
      op.click(`.production-table tr[data-order="SD-${orderNo}"] form[action$="/ilerlet"] button`)]);
  expect((await op.textContent(`.production-table tr[data-order="SD-${orderNo}"]`)).includes('Teslim Edildi'),
    'not delivered');
});

const anon = await browser.newContext({ locale: 'tr-TR' });
const q = await anon.newPage();
q.on('pageerror', (e) => problems.push(String(e)));

await step('Gönderi Sorgulama shows Teslim Edildi and the history, no personal data', async () => {
  await q.goto(`${BASE}/gonderi-sorgulama`);
  await q.fill('input[name="captcha"]', CAPTCHA);
  await q.fill('input[name="q"]', tracking);
  await Promise.all([q.waitForNavigation(), q.click('form button[type="submit"]')]);
  const status = await q.textContent('#shipment-status');
  expect(status.trim() === 'Teslim Edildi', `status: ${status}`);
  const text = await q.textContent('main');
  expect(text.includes('Kargoya Verildi') && text.includes('Yolda'), 'history');
  expect(!text.includes('AYŞE') && !text.includes('YILMAZ') && !text.includes('Atatürk'), 'personal data shown');
  await shot(q, 'production-3-tracking');
  await page.goto(`${BASE}/basvurularim`);
  expect((await page.textContent('main')).includes('Teslim Edildi'), 'the holder does not see Teslim Edildi');
  await shot(page, 'production-4-holder');
});

await step('no script errors or CSP violations', async () => {
  expectNoScriptErrors(problems);
});

await browser.close();
stopCA();
done();

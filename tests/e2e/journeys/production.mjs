// Production and shipping in a real browser (issue 7 items 5-7): the demo CA
// and its signer start beside nitelikd; AYŞE's form is approved with e-İmza
// (a demo token from scripts/demo-token.sh); the production operator logs in,
// runs a batch (her card: a SoftHSM2 token under the data folder), prints the
// PIN letter once, hands the card to the courier and moves the demo courier
// on; Gönderi Sorgulama shows Teslim Edildi with the status history.
// Screenshots: tests/out/e2e/production-*.png.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BUILD = process.env.NL_BUILD_DIR;
const DATA = process.env.NL_DATA_DIR;
const CAPTCHA = process.env.NL_CAPTCHA || 'ACDEF';
const MODULE = '/usr/lib/softhsm/libsofthsm2.so';
const AYSE = '64172043210';
const TOKEN = { dir: join(DATA, 'imza-ayse'), label: 'ayse-kart' };
let signer = null;
process.on('exit', () => { if (signer) signer.kill(); });

const { browser, context, page, problems } = await launch();
let orderNo = null;
let tracking = null;

function sign(code) {
  return new Promise((resolve) => {
    const p = spawn(join(BUILD, 'src/cmd/nitelik-imza'),
      ['--server', BASE, '--module', MODULE, '--token', TOKEN.label, code],
      { env: { ...process.env, SOFTHSM2_CONF: join(TOKEN.dir, 'softhsm2.conf'), NITELIK_IMZA_PIN: '123456' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (rc) => resolve({ rc, out, err }));
  });
}

await step('the demo CA, its signer and a demo token for AYŞE', async () => {
  execFileSync(join(BUILD, 'src/cmd/nitelik'), ['ca', 'init', '--data', DATA, '--base-url', BASE],
    { stdio: 'ignore' });
  signer = spawn(join(BUILD, 'src/cmd/nitelik-signer'), ['--data', DATA], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(join(DATA, 'ca', 'signer.sock')); i++)
    await new Promise((r) => setTimeout(r, 50));
  execFileSync(join(ROOT, 'scripts', 'demo-token.sh'), [DATA, AYSE, 'AYŞE', 'YILMAZ'], {
    stdio: 'ignore',
    env: { ...process.env, NITELIK_BUILD: BUILD, NITELIK_TOKEN_DIR: TOKEN.dir, NITELIK_TOKEN_LABEL: TOKEN.label },
  });
  expect(existsSync(join(TOKEN.dir, 'cert.pem')), 'no certificate on the token');
});

await step('AYŞE fills her form and approves it with e-İmza: Üretim Bekleniyor', async () => {
  const p = page;
  await p.goto(`${BASE}/giris/form`);
  await p.fill('input[name="captcha"]', CAPTCHA);
  await p.fill('input[name="id_number"]', AYSE);
  await p.fill('input[name="password"]', 'Demo2026');
  await Promise.all([p.waitForNavigation(), p.click('form button[type="submit"]')]);
  await p.goto(`${BASE}/basvurularim`);
  await Promise.all([p.waitForNavigation(), p.locator('a[href$="/form"]').first().click()]);
  orderNo = /\/basvuru\/(\d+)\/form/.exec(p.url())[1];
  await p.selectOption('[name="period"]', '1');
  await p.selectOption('[name="card_reader"]', 'standard');
  await p.check('input[name="publish"][value="no"]');
  await p.selectOption('[name="reason"]', 'first');
  await p.fill('[name="security_word"]', 'Güvenli2026');
  await p.fill('[name="security_word2"]', 'Güvenli2026');
  await p.fill('[name="email"]', 'ayse.yilmaz@example.org');
  await p.fill('[name="mobile"]', '0532 123 45 67');
  await p.selectOption('[name="operator"]', 'turkcell');
  await p.selectOption('[name="info_channel"]', 'both');
  await p.fill('[name="unit"]', 'Bilgi İşlem Şubesi');
  await p.fill('[name="title"]', 'Öğretmen');
  await p.fill('[name="work_phone"]', '0312 444 55 66');
  await p.selectOption('[name="address_type"]', 'institution');
  await p.fill('[name="address"]', 'Atatürk Bulvarı No: 1, Kızılay');
  await p.selectOption('[name="province"]', '6');
  await p.waitForFunction(() =>
    [...document.querySelectorAll('select[name="district"] option')].some((o) => o.value === 'Çankaya'));
  await p.selectOption('[name="district"]', 'Çankaya');
  await p.fill('[name="postal_code"]', '06420');
  await p.selectOption('[name="delivery_method"]', 'courier');
  await Promise.all([p.waitForNavigation(), p.click('button[value="submit"]')]);
  await Promise.all([p.waitForNavigation(), p.click('button[value="send"]')]);
  const outbox = await context.newPage();
  await outbox.goto(`${BASE}/demo/outbox`);
  const body = await outbox.textContent('body');
  await outbox.close();
  const m = /kodunuz: (\d{6})/.exec(body.slice(body.indexOf('5321234567')));
  expect(m, 'no SMS code in the demo outbox');
  await p.fill('[name="code"]', m[1]);
  await Promise.all([p.waitForNavigation(), p.click('button[value="verify"]')]);
  await Promise.all([p.waitForNavigation(),
    p.click('form:has(input[value="e_imza"]) button[type="submit"]')]);
  const code = (await p.textContent('#esign-code')).trim();
  const res = await sign(code);
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
  await op.goto(`${BASE}/kurum/giris`);
  await op.fill('input[name="username"]', 'uretim');
  await op.fill('input[name="password"]', 'uretim-demo');
  await Promise.all([op.waitForNavigation(), op.click('form button[type="submit"]')]);
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
  const real = problems.filter((p) => !p.includes('Failed to load resource'));
  expect(real.length === 0, real.join('\n'));
});

await browser.close();
if (signer) signer.kill();
done();

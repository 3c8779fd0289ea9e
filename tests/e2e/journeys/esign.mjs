// e-İmza in a real browser (issue 6): the demo CA and its signer start beside
// nitelikd, scripts/demo-token.sh puts demo citizens' qualified certificates on
// SoftHSM2 tokens, and nitelik-imza signs with them while the page waits.
//   - AYŞE fills her form, chooses e-İmza, the page shows the Doğrulama Kodu
//     and Kalan Süre, nitelik-imza signs, the page says İşlem Başarılı and
//     moves on to Sonuç; her order is Üretim Bekleniyor;
//   - MEHMET logs in to Online İşlemler by E-İmzalı Giriş, gives e-Onay
//     (KABUL EDİYORUM signed with his token): Seçiminiz kaydedildi; then his
//     form is approved by e-Onay (the undertaking, the checkbox, the button).
// Screenshots: tests/out/e2e/esign-*.png.
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
const MEHMET = '57855534068';
const tokens = {
  [AYSE]: { dir: join(DATA, 'imza-ayse'), label: 'ayse-kart', args: [AYSE, 'AYŞE', 'YILMAZ'] },
  [MEHMET]: { dir: join(DATA, 'imza-mehmet'), label: 'mehmet-kart', args: [MEHMET, 'MEHMET', 'ÖZTÜRK'] },
};
let signer = null;
// The signer is ours to stop, also when a step throws past done().
process.on('exit', () => { if (signer) signer.kill(); });

const { browser, context, page, problems } = await launch();

// nitelik-imza with a token; resolves with {code, out, err}.
function sign(tckn, code) {
  const t = tokens[tckn];
  return new Promise((resolve) => {
    const p = spawn(join(BUILD, 'src/cmd/nitelik-imza'),
      ['--server', BASE, '--module', MODULE, '--token', t.label, code],
      { env: { ...process.env, SOFTHSM2_CONF: join(t.dir, 'softhsm2.conf'), NITELIK_IMZA_PIN: '123456' } });
    let out = '', err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (rc) => resolve({ rc, out, err }));
  });
}

async function waitCode(p) {
  const code = (await p.textContent('#esign-code')).trim();
  expect(/^\d{15}$/.test(code), `code on the page: ${code}`);
  return code;
}

// Signs while the page polls; the page shows İşlem Başarılı and moves on.
async function signAndWait(p, tckn, code, urlEnd) {
  const res = await sign(tckn, code);
  expect(res.rc === 0, `nitelik-imza: ${res.rc} ${res.out} ${res.err}`);
  expect(res.out.includes('İşlem Başarılı'), `nitelik-imza said: ${res.out}`);
  await p.waitForSelector('#esign-done', { state: 'visible', timeout: 10000 });
  expect((await p.textContent('#esign-done')).includes('İşlem Başarılı'), 'no İşlem Başarılı');
  await p.waitForURL((u) => u.pathname.endsWith(urlEnd), { timeout: 10000 });
}

async function formLogin(p, tckn) {
  await p.goto(`${BASE}/giris/form`);
  await p.fill('input[name="captcha"]', CAPTCHA);
  await p.fill('input[name="id_number"]', tckn);
  await p.fill('input[name="password"]', 'Demo2026');
  await Promise.all([p.waitForNavigation(), p.click('form button[type="submit"]')]);
  await p.goto(`${BASE}/basvurularim`);
  await Promise.all([p.waitForNavigation(), p.locator('a[href$="/form"]').first().click()]);
}

async function fillAndConfirm(p, ctx, mobile, email) {
  await p.selectOption('[name="period"]', '1');
  await p.selectOption('[name="card_reader"]', 'standard');
  await p.check('input[name="publish"][value="no"]');
  await p.selectOption('[name="reason"]', 'first');
  await p.fill('[name="security_word"]', 'Güvenli2026');
  await p.fill('[name="security_word2"]', 'Güvenli2026');
  await p.fill('[name="email"]', email);
  await p.fill('[name="mobile"]', mobile);
  await p.selectOption('[name="operator"]', 'turkcell');
  await p.selectOption('[name="info_channel"]', 'email');
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
  expect(p.url().endsWith('/sms'), `after submit: ${p.url()}`);
  await Promise.all([p.waitForNavigation(), p.click('button[value="send"]')]);
  const outbox = await ctx.newPage();
  await outbox.goto(`${BASE}/demo/outbox`);
  const body = await outbox.textContent('body');
  await outbox.close();
  const digits = mobile.replace(/\D/g, '').slice(-10);
  const m = /kodunuz: (\d{6})/.exec(body.slice(body.indexOf(digits)));
  expect(m, 'no SMS code in the demo outbox');
  await p.fill('[name="code"]', m[1]);
  await Promise.all([p.waitForNavigation(), p.click('button[value="verify"]')]);
  expect(p.url().endsWith('/onay'), `after the code: ${p.url()}`);
}

await step('the demo CA, its signer and two demo tokens with qualified certificates', async () => {
  execFileSync(join(BUILD, 'src/cmd/nitelik'), ['ca', 'init', '--data', DATA, '--base-url', BASE],
    { stdio: 'ignore' });
  signer = spawn(join(BUILD, 'src/cmd/nitelik-signer'), ['--data', DATA], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !existsSync(join(DATA, 'ca', 'signer.sock')); i++)
    await new Promise((r) => setTimeout(r, 50));
  for (const t of Object.values(tokens))
    execFileSync(join(ROOT, 'scripts', 'demo-token.sh'), [DATA, ...t.args], {
      stdio: 'ignore',
      env: { ...process.env, NITELIK_BUILD: BUILD, NITELIK_TOKEN_DIR: t.dir, NITELIK_TOKEN_LABEL: t.label },
    });
  expect(existsSync(join(tokens[MEHMET].dir, 'cert.pem')), 'no certificate on the token');
});

await step('AYŞE reaches step 2 and chooses e-İmza: the code page with its countdown', async () => {
  await formLogin(page, AYSE);
  await fillAndConfirm(page, context, '0532 123 45 67', 'ayse.yilmaz@example.org');
  await Promise.all([page.waitForNavigation(),
    page.click('form:has(input[value="e_imza"]) button[type="submit"]')]);
  expect(page.url().endsWith('/eimza'), `after e-İmza: ${page.url()}`);
  const text = await page.textContent('main');
  expect(text.includes('Doğrulama Kodu') && text.includes('Kalan Süre'), 'code page texts');
  const first = Number(await page.textContent('#esign-remaining'));
  await page.waitForTimeout(2200);
  const later = Number(await page.textContent('#esign-remaining'));
  expect(first > 280 && later < first, `countdown ${first} -> ${later}`);
  await shot(page, 'esign-1-code');
});

await step('nitelik-imza signs with the token; the page says İşlem Başarılı and shows Sonuç', async () => {
  const code = await waitCode(page);
  await signAndWait(page, AYSE, code, '/sonuc');
  await shot(page, 'esign-2-result');
  await page.goto(`${BASE}/basvurularim`);
  expect((await page.textContent('main')).includes('Üretim Bekleniyor'), 'order not moved on');
});

const holderCtx = await browser.newContext({ locale: 'tr-TR' });
const holder = await holderCtx.newPage();
holder.on('pageerror', (e) => problems.push(String(e)));

await step('MEHMET logs in to Online İşlemler by E-İmzalı Giriş and sees the menu', async () => {
  await holder.goto(`${BASE}/online-islemler`);
  expect((await holder.textContent('main')).includes('Şifreli Giriş'), 'no Şifreli Giriş');
  await holder.fill('#es-tckn', MEHMET);
  await Promise.all([holder.waitForNavigation(), holder.click('#door-esign button[type="submit"]')]);
  const code = await waitCode(holder);
  await signAndWait(holder, MEHMET, code, '/online-islemler/menu');
  const text = await holder.textContent('main');
  expect(text.includes('MEHMET ÖZTÜRK') && text.includes('Bireysel İşlemler'), 'menu');
  await shot(holder, 'esign-3-menu');
});

await step('e-Onay: KABUL EDİYORUM signed through nitelik-imza, Seçiminiz kaydedildi', async () => {
  await Promise.all([holder.waitForNavigation(), holder.click('#menu-eonay')]);
  await holder.check('#choice-accept');
  await Promise.all([holder.waitForNavigation(), holder.click('#consent-continue')]);
  const code = await waitCode(holder);
  await signAndWait(holder, MEHMET, code, '/online-islemler/eonay/sonuc');
  expect((await holder.textContent('main')).includes('Seçiminiz kaydedildi'), 'no result text');
  await shot(holder, 'esign-4-econsent');
});

const mCtx = await browser.newContext({ locale: 'tr-TR' });
const mpage = await mCtx.newPage();
mpage.on('pageerror', (e) => problems.push(String(e)));

await step('with consent in force step 2 offers e-Onay, and it approves the form', async () => {
  await formLogin(mpage, MEHMET);
  await fillAndConfirm(mpage, mCtx, '0533 765 43 21', 'mehmet.ozturk@example.org');
  const text = await mpage.textContent('main');
  expect(text.includes('e-Onay ile Onaylama'), 'e-Onay not offered');
  await mpage.check('form:has(input[value="e_onay"]) input[name="accept"]');
  await Promise.all([mpage.waitForNavigation(),
    mpage.click('form:has(input[value="e_onay"]) button[type="submit"]')]);
  expect(mpage.url().endsWith('/sonuc'), `after e-Onay: ${mpage.url()}`);
  await shot(mpage, 'esign-5-eonay');
  await mpage.goto(`${BASE}/basvurularim`);
  expect((await mpage.textContent('main')).includes('Ödeme Bekleniyor'), 'person-paid order not awaiting payment');
});

await step('no script errors or CSP violations', async () => {
  const real = problems.filter((p) => !p.includes('Failed to load resource'));
  expect(real.length === 0, real.join('\n'));
});

await browser.close();
if (signer) signer.kill();
done();

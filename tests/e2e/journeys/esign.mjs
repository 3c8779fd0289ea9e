// e-İmza in a real browser (issue 6): the demo CA and its signer start beside
// nitelikd, scripts/demo-token.sh puts demo citizens' qualified certificates on
// SoftHSM2 tokens, and nitelik-imza signs with them while the page waits.
//   - AYŞE fills her form, chooses e-İmza, the page shows the Doğrulama Kodu
//     and Kalan Süre, nitelik-imza signs, the page says İşlem Başarılı and
//     moves on to Sonuç; her order is Üretim Bekleniyor;
//   - MEHMET logs in to Online İşlemler by E-İmzalı Giriş, gives e-Onay
//     (KABUL EDİYORUM signed with his token): Seçiminiz kaydedildi; then his
//     form is approved by e-Onay (the undertaking, the checkbox, the button).
//   - on the code page Kopyala puts the code on the clipboard, Kalan Süre
//     ticks, and the link leads to the page on getting nitelik-imza; run to
//     0 (the page's clock run forward) it says the code has expired.
// Screenshots: tests/out/e2e/esign-*.png.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { AYSE, DATA, MEHMET, confirmBySms, demoToken, expectNoScriptErrors, openForm, personLogin,
  sign as signWith, startCA, stopCA, submitStep1 } from '../flows.mjs';

const tokens = {
  [AYSE]: { dir: join(DATA, 'imza-ayse'), label: 'ayse-kart', args: [AYSE, 'AYŞE', 'YILMAZ'] },
  [MEHMET]: { dir: join(DATA, 'imza-mehmet'), label: 'mehmet-kart', args: [MEHMET, 'MEHMET', 'ÖZTÜRK'] },
};

const { browser, context, page, problems } = await launch();

// nitelik-imza with the person's token; resolves with {rc, out, err}.
function sign(tckn, code) {
  return signWith(tokens[tckn], code);
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
  await personLogin(p, tckn);
  await openForm(p);
}

async function fillAndConfirm(p, ctx, mobile, email) {
  await submitStep1(p, { mobile, email });
  await confirmBySms(p, ctx, mobile);
}

await step('the demo CA, its signer and two demo tokens with qualified certificates', async () => {
  await startCA();
  for (const t of Object.values(tokens)) demoToken(t, t.args);
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

await step('the code page: Kopyala puts the code on the clipboard, the countdown ticks, the app page is linked', async () => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  const code = await waitCode(page);
  const button = page.locator('#esign-copy');
  expect(await button.isVisible(), 'no Kopyala button');
  expect((await button.textContent()).trim() === 'Kopyala', 'button text');
  await button.click();
  await page.waitForSelector('#esign-copied', { state: 'visible', timeout: 3000 });
  expect((await page.textContent('#esign-copied')).includes('Kopyalandı'), 'no Kopyalandı');
  const clip = await page.evaluate(() => navigator.clipboard.readText());
  expect(clip === code, `clipboard ${JSON.stringify(clip)} != ${code}`);
  // The code is one element selected whole by a click (user-select: all).
  expect(await page.$eval('#esign-code', (e) => getComputedStyle(e).userSelect) === 'all', 'select-all');
  const first = Number(await page.textContent('#esign-remaining'));
  await page.waitForTimeout(2100);
  const later = Number(await page.textContent('#esign-remaining'));
  expect(later <= first - 2 && later > 0, `countdown ${first} -> ${later}`);
  const href = await page.getAttribute('#esign-get-app a', 'href');
  expect(href === '/imza-uygulamasi', `link ${href}`);
  const app = await context.newPage();
  await app.goto(`${BASE}${href}`);
  const text = await app.textContent('main');
  expect(text.includes('İmza Uygulaması nitelik-imza') && text.includes('Debian ve Ubuntu'), 'app page');
  await shot(app, 'esign-0-app-page');
  await app.close();
  await shot(page, 'esign-1b-copied');
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

await step('Kalan Süre reaching 0 says the code has expired (the page clock run forward)', async () => {
  const ctx = await browser.newContext({ locale: 'tr-TR' });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => problems.push(String(e)));
  await p.clock.install();
  await p.goto(`${BASE}/online-islemler`);
  await p.fill('#es-tckn', AYSE);
  await Promise.all([p.waitForNavigation(), p.click('#door-esign button[type="submit"]')]);
  await waitCode(p);
  expect(!(await p.isVisible('#esign-expired')), 'expired at once');
  // The server's clock does not run forward: its status answers (which set
  // Kalan Süre from the server's time) are cut off, so the page counts alone.
  await p.route('**/imza/*/durum', (route) => route.abort());
  await p.clock.runFor('05:10');
  await p.waitForSelector('#esign-expired', { state: 'visible', timeout: 3000 });
  expect(!(await p.isVisible('#esign-countdown')), 'countdown still shown');
  expect((await p.textContent('#esign-expired')).includes('süresi doldu'), 'expired text');
  await shot(p, 'esign-6-expired');
  await ctx.close();
});

await step('no script errors or CSP violations', async () => {
  expectNoScriptErrors(problems);
});

await browser.close();
stopCA();
done();

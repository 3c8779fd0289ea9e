// Issue 7's payment journey in a real browser: Borç Sorgulama with the captcha
// shows the person-paid demo order with its amount only; "Kartla Öde" opens the
// virtual POS simulator (the bank's 3-D Secure page); the demo card is approved
// and the bank page posts its signed answer back by itself (pos-return.js,
// allowed by the Content-Security-Policy); the result page says the payment was
// received; the debt is gone; the person logs in and sees "Başvuru Formu
// Bekleniyor" on Başvurularım; the payment mail is in the outbox. Then the
// bank channel: the officer registers another person-paid order, the
// administrator imports a reconciliation file for it (with a duplicate line and
// an unknown order) at Banka Mutabakatı and reads the report, and the debt is
// gone. Screenshots: tests/out/e2e/payment-*.png.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { CAPTCHA, MEHMET, navClick as submit, personLogin, preapply, staffLogin } from '../flows.mjs';

// MEHMET: the demo person with a person-paid order (SD-100002).
const NEW_TCKN = '56789123416';    // valid check digits, nobody in the demo
const { browser, page, problems } = await launch();

async function lookup(p) {
  await p.fill('input[name="captcha"]', CAPTCHA);
  await p.fill('input[name="tckn"]', MEHMET);
  await submit(p, 'form[action="/borc-sorgulama"] button[type="submit"]');
}

await step('Borç Sorgulama from the home page lists the order number and amount only', async () => {
  await page.goto(`${BASE}/`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/borc-sorgulama"]')]);
  expect((await page.textContent('h1')).includes('Borç Sorgulama'), 'not the debt page');
  await lookup(page);
  const rows = await page.locator('table.debt-table tbody tr').allTextContents();
  expect(rows.length === 1, `rows: ${rows.length}`);
  expect(rows[0].includes('SD-100002') && rows[0].includes('600,00 TL'), `row: ${rows[0]}`);
  const main = await page.textContent('main');
  expect(!/MEHMET|ÖZTÜRK|mehmet/.test(main), 'personal data shown');
  await shot(page, 'payment-1-debts');
});

await step('paying by card goes through the bank simulator and back', async () => {
  await submit(page, 'form[action="/odeme/SD-100002"] button[type="submit"]');
  expect(/\/sanal-pos\/sim\/[0-9a-f]{32}$/.test(page.url()), `bank page: ${page.url()}`);
  expect((await page.textContent('.pos-amount')).includes('600,00 TL'), 'amount on the bank page');
  await page.fill('input[name="card_number"]', '4111 1111 1111 1111');
  await page.fill('input[name="expiry"]', '12/30');
  await page.fill('input[name="cvv"]', '123');
  await shot(page, 'payment-2-bank');
  // The bank page answers with a page that posts itself back to the merchant.
  await Promise.all([
    page.waitForURL(/\/odeme\/SD-100002\/sonuc\?oturum=[0-9a-f]{32}$/),
    page.click('button[name="action"][value="pay"]'),
  ]);
  expect(await page.locator('.pay-ok').count() === 1, 'no "payment received"');
  await shot(page, 'payment-3-result');
});

await step('the debt is gone', async () => {
  await page.goto(`${BASE}/borc-sorgulama`);
  await lookup(page);
  expect(await page.locator('table.debt-table').count() === 0, 'the debt is still listed');
  await shot(page, 'payment-4-no-debt');
});

await step('Başvurularım shows "Başvuru Formu Bekleniyor" and the mail is in the outbox', async () => {
  await personLogin(page, MEHMET);
  await page.goto(`${BASE}/basvurularim`);
  const row = await page.locator('tr', { hasText: 'SD-100002' }).first().textContent();
  expect(row.includes('Başvuru Formu Bekleniyor') && !row.includes('Ödeme'), `row: ${row}`);
  await shot(page, 'payment-5-basvurularim');
  await page.goto(`${BASE}/demo/outbox`);
  const msg = page.locator('li.outbox-msg', { hasText: 'Ödemeniz alındı (SD-100002)' });
  expect(await msg.count() === 1, 'no payment mail in the outbox');
  await shot(page, 'payment-6-outbox');
});

let bankOrder = null;

await step('the officer registers a person-paid order', async () => {
  await staffLogin(page, 'kurum', 'kurum-demo');
  await preapply(page, { id_number: NEW_TCKN, given_name: 'Deniz', surname: 'Aksoy',
    email: 'deniz.aksoy@example.org', mobile: '5321239876', payment_type: 'person' });
  const m = page.url().match(/\/kurum\/siparis\/(\d+)/);
  expect(m, `after registering: ${page.url()}`);
  bankOrder = m[1];
  await submit(page, 'form[action="/kurum/cikis"] button[type="submit"]');
});

await step('the administrator imports a bank file at Banka Mutabakatı', async () => {
  await staffLogin(page, 'admin', 'admin-demo');
  await page.goto(`${BASE}/yonetim/banka-mutabakat`);
  const dir = mkdtempSync(join(tmpdir(), 'nitelik-bank-'));
  const file = join(dir, 'banka.csv');
  writeFileSync(file, 'tarih;kanal;referans;siparis_no_veya_tckn;tutar\n'
    + `2026-11-20;atm;VKF-9001;SD-${bankOrder};600,00\n`
    + `2026-11-20;atm;VKF-9001;SD-${bankOrder};600,00\n`
    + '2026-11-20;internet;VKF-9002;SD-999999;600,00\n');
  await page.setInputFiles('input[name="file"]', file);
  await submit(page, 'form[action="/yonetim/banka-mutabakat"] button[type="submit"]');
  const counts = [await page.textContent('.count-recorded'), await page.textContent('.count-skipped'),
                  await page.textContent('.count-refused')];
  expect(counts.join(' ') === '1 1 1', `counts: ${counts}`);
  expect(await page.locator('tr.line-refused[data-reason="unknown_order"]').count() === 1,
         'unknown order not listed');
  await shot(page, 'payment-7-bank-import');
  await page.goto(`${BASE}/yonetim/fiyatlar`);
  expect(await page.locator('table.price-table tbody tr').count() === 9, 'not nine prices');
  await shot(page, 'payment-8-prices');
});

await step('the bank-paid debt is gone', async () => {
  await page.goto(`${BASE}/borc-sorgulama`);
  await page.fill('input[name="captcha"]', CAPTCHA);
  await page.fill('input[name="tckn"]', NEW_TCKN);
  await submit(page, 'form[action="/borc-sorgulama"] button[type="submit"]');
  expect(await page.locator('table.debt-table').count() === 0, 'the debt is still listed');
});

await step('no script or CSP errors on the way', async () => {
  expect(problems.length === 0, problems.join('\n'));
});

await browser.close();
done();

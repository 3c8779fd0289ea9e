// The wet signature in a real browser: a demo person fills the form, confirms
// it with the SMS code from the demo outbox, chooses Islak İmza at step 2 and
// downloads the PDF from step 3; its barcode is read back with zbarimg. The
// registration officer logs in, the barcode field has the focus, he types the
// code and Enter (as a USB scanner does), compares the stored data and
// accepts; the person's order moves to "Üretim Bekleniyor". Screenshots and
// the PDF (with a rendering of its first page) are kept under
// tests/out/e2e/wet-*.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { AYSE as TCKN, confirmBySms, expectNoScriptErrors, openForm, personLogin, staffLogin,
  submitStep1 } from '../flows.mjs';

const OUT = process.env.NL_OUT_DIR || 'tests/out/e2e';
const { browser, context, page, problems } = await launch();
let orderUrl = null;
let code = null;

await step('a demo person logs in and reaches step 1', async () => {
  await personLogin(page, TCKN);
  await openForm(page);
  orderUrl = page.url().replace(/\/form$/, '');
  expect(/\/basvuru\/\d+$/.test(orderUrl), `form url ${page.url()}`);
});

await step('the filled form is confirmed with the SMS code and reaches step 2', async () => {
  await submitStep1(page, {
    period: '3', publish: 'yes', operator: 'vodafone', info_channel: 'both',
    unit: 'Öğrenci İşleri Şubesi', title: 'Şef Yardımcısı',
    address: 'Çağlayan Mah. Üçgöz Sok. No: 5 Ğ Blok Işıklar', delivery_method: 'institution',
  });
  await confirmBySms(page, context, '0532 123 45 67');
  await shot(page, 'wet-1-step2');
});

await step('Islak İmza leads to step 3 with the PDF link, what to do and the address', async () => {
  await Promise.all([page.waitForNavigation(),
    page.click('form:has(input[value="islak"]) button[type="submit"]')]);
  expect(page.url().endsWith('/sonuc'), `after the choice: ${page.url()}`);
  const text = await page.textContent('main');
  expect(text.includes('Başvuru Formu Bekleniyor'), 'status missing');
  expect(text.includes('Başvuru Formunu Aç (PDF)'), 'no PDF button');
  expect(text.includes('Düzeltme yapılan formlar kabul edilemeyecektir'), 'no correction rule');
  expect(await page.isVisible('#postal-address'), 'no postal address');
  await shot(page, 'wet-2-step3');
});

await step('the PDF downloads; its barcode reads back as its code', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#form-pdf')]);
  const pdf = join(OUT, 'wet-form.pdf');
  await download.saveAs(pdf);
  const m = /-(NF[A-Z2-7]{12})\.pdf$/.exec(download.suggestedFilename());
  expect(m, `file name ${download.suggestedFilename()}`);
  code = m[1];
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-']).toString('utf8');
  expect(text.includes(code) && text.includes('SERTİFİKA SAHİBİ TAAHHÜTNAMESİ') &&
    text.includes('Öğrenci İşleri Şubesi'), 'PDF text');
  execFileSync('pdftoppm', ['-r', '200', '-f', '1', '-l', '1', '-png', '-singlefile', pdf,
    join(OUT, 'wet-form-page1')]);
  const read = execFileSync('zbarimg', ['-q', '--raw', join(OUT, 'wet-form-page1.png')],
    { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  expect(read === code, `zbarimg read ${read}, code ${code}`);
});

const staff = await browser.newContext({ locale: 'tr-TR', viewport: { width: 1100, height: 900 } });
const ra = await staff.newPage();
ra.on('pageerror', (e) => problems.push(String(e)));
ra.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });

await step('the registration officer logs in and lands on the barcode field', async () => {
  await staffLogin(ra, 'kayit', 'kayit-demo');
  expect(ra.url().endsWith('/kayit'), `after login: ${ra.url()}`);
  const focused = await ra.evaluate(() => document.activeElement && document.activeElement.id);
  expect(focused === 'code', `focus on ${focused}`);
  await shot(ra, 'wet-3-ra-scan');
});

await step('a garbage barcode is refused with a clear message', async () => {
  await ra.keyboard.type('12345');
  await Promise.all([ra.waitForNavigation(), ra.keyboard.press('Enter')]);
  expect((await ra.textContent('#scan-error')).includes('form barkodu değil'), 'no message');
});

await step('the scanned code shows the stored data to compare', async () => {
  await ra.fill('#code', '');
  await ra.focus('#code');
  await ra.keyboard.type(code);           // what a USB scanner does: the code, then Enter
  await Promise.all([ra.waitForNavigation(), ra.keyboard.press('Enter')]);
  expect(ra.url().endsWith(`/kayit/form/${code}`), `form page ${ra.url()}`);
  const text = await ra.textContent('main');
  expect(text.includes('AYŞE YILMAZ') && text.includes('Çağlayan Mah. Üçgöz Sok. No: 5 Ğ Blok Işıklar'),
    'stored data missing');
  await shot(ra, 'wet-4-ra-form');
});

await step('Kabul registers the form; the order moves on', async () => {
  await Promise.all([ra.waitForNavigation(), ra.click('#accept')]);
  expect(ra.url().includes('/kayit?kabul='), `after accept ${ra.url()}`);
  expect((await ra.textContent('#decision-status')).includes('Üretim Bekleniyor'), 'status');
  const focused = await ra.evaluate(() => document.activeElement && document.activeElement.id);
  expect(focused === 'code', 'the field is ready for the next form');
  await shot(ra, 'wet-5-ra-accepted');
  await page.goto(`${BASE}/basvurularim`);
  expect((await page.textContent('main')).includes('Üretim Bekleniyor'), 'person does not see it');
  await shot(page, 'wet-6-person');
});

await step('the same barcode again is refused', async () => {
  await ra.fill('#code', code);
  await Promise.all([ra.waitForNavigation(), ra.keyboard.press('Enter')]);
  expect((await ra.textContent('#refusal')).includes('daha önce kaydedilmiştir'), 'not refused');
  expect(await ra.locator('#accept').count() === 0, 'Kabul still offered');
  await shot(ra, 'wet-7-ra-again');
});

await step('no script errors or CSP violations', async () => {
  expectNoScriptErrors(problems);
});

await staff.close();
await browser.close();
done();

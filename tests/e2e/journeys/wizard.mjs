// The application form wizard in a real browser: a demo person logs in through
// the form login door, opens "Başvuruyu Tamamla", fills the form with Turkish
// letters (the district list follows the province through the small script),
// sees the messages next to the wrong fields, fixes them, sends the SMS code,
// reads it from the demo outbox, enters it and reaches step 2. Screenshots are
// kept under tests/out/e2e/wizard-*.png.
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { AYSE as TCKN, expectNoScriptErrors, fillStep1, personLogin, smsCode } from '../flows.mjs';

const { browser, context, page, problems } = await launch();
let formUrl = null;

await step('a demo person logs in through the form login door', async () => {
  await personLogin(page, TCKN);
  expect(page.url().endsWith('/basvuru'), `after login: ${page.url()}`);
});

await step('Başvurularım leads to step 1 with the step indicator and masked identity', async () => {
  await page.goto(`${BASE}/basvurularim`);
  const link = page.locator('a[href$="/form"]').first();
  expect(await link.count() === 1, 'no "Başvuruyu Tamamla" link');
  await Promise.all([page.waitForNavigation(), link.click()]);
  formUrl = page.url();
  expect(/\/basvuru\/\d+\/form$/.test(formUrl), `form url ${formUrl}`);
  const text = await page.textContent('main');
  expect(text.includes('Başvuru Bilgileri') && text.includes('Onay') && text.includes('Sonuç'),
    'no step indicator');
  expect(text.includes('64*******10') && !text.includes(TCKN), 'identity not masked');
  expect(text.includes('Kimlik Bilgilerimi Güncelle'), 'no identity refresh button');
  // The script hides the no-JavaScript district button.
  expect(!(await page.isVisible('button[value="districts"]')), 'district button still shown');
  await shot(page, 'wizard-1-empty');
});

async function fillForm({ email, word2 }) {
  // The district list comes from /il/34/ilceler once İstanbul is chosen.
  await fillStep1(page, {
    period: '2', card_reader: 'mini', security_word2: word2, email,
    operator: 'turk_telekom', info_channel: 'both', work_phone: '0216 444 55 66',
    address_type: 'home', address: 'Çiçekli Sokağı No: 5 Daire: 3, Ümraniye',
    province: '34', district: 'Ümraniye', postal_code: '34764',
  });
}

await step('wrong fields get their messages, typed Turkish text is kept', async () => {
  await fillForm({ email: 'ayşe@örnek', word2: 'Güvenli2027' });
  await Promise.all([page.waitForNavigation(), page.click('button[value="submit"]')]);
  const errs = await page.locator('.field-error').allTextContents();
  expect(errs.length === 2, `errors: ${errs.join(' | ')}`);
  expect(await page.isVisible('#err-email') && await page.isVisible('#err-security_word2'),
    'messages not next to e-mail and security word');
  expect(await page.inputValue('[name="unit"]') === 'Bilgi İşlem Şubesi', 'unit not kept');
  expect(await page.inputValue('[name="district"]') === 'Ümraniye', 'district not kept');
  expect(await page.inputValue('[name="security_word"]') === '', 'security word shown back');
  await shot(page, 'wizard-2-errors');
});

await step('the fixed form goes on to the SMS code page', async () => {
  await page.fill('[name="email"]', 'ayse.yilmaz@example.org');
  await page.fill('[name="security_word"]', 'Güvenli2026');
  await page.fill('[name="security_word2"]', 'Güvenli2026');
  await Promise.all([page.waitForNavigation(), page.click('button[value="submit"]')]);
  expect(page.url().endsWith('/sms'), `after submit: ${page.url()}`);
  expect((await page.textContent('main')).includes('532 *** ** 67'), 'no masked mobile number');
});

await step('Gönder sends the code; the countdown runs', async () => {
  await Promise.all([page.waitForNavigation(), page.click('button[value="send"]')]);
  const first = Number(await page.textContent('.js-remaining'));
  expect(first > 170 && first <= 180, `countdown starts at ${first}`);
  await page.waitForTimeout(2200);
  const later = Number(await page.textContent('.js-remaining'));
  expect(later < first, `countdown did not move: ${first} -> ${later}`);
  await shot(page, 'wizard-3-sms');
});

await step('the code from the demo outbox leads to step 2', async () => {
  await page.fill('[name="code"]', await smsCode(context, '0532 123 45 67'));
  await Promise.all([page.waitForNavigation(), page.click('button[value="verify"]')]);
  expect(page.url().endsWith('/onay'), `after the code: ${page.url()}`);
  const text = await page.textContent('main');
  expect(text.includes('e-İmza ile Onaylama') && text.includes('Islak İmza ile Onaylama'),
    'approval methods missing');
  expect(!text.includes('e-Onay ile Onaylama'), 'e-Onay offered without consent');
  await shot(page, 'wizard-4-step2');
});

await step('Islak İmza leads to step 3 Sonuç', async () => {
  await Promise.all([page.waitForNavigation(),
    page.click('form:has(input[value="islak"]) button[type="submit"]')]);
  expect(page.url().endsWith('/sonuc'), `after the choice: ${page.url()}`);
  expect((await page.textContent('main')).includes('Başvuru Formu Bekleniyor'), 'result text');
  await shot(page, 'wizard-5-result');
});

await step('no script errors or CSP violations', async () => {
  // A 400 page answer is logged by the browser as a failed load: not a script problem.
  expectNoScriptErrors(problems);
});

await browser.close();
done();

// Online İşlemler → Bireysel İşlemler in a real browser (issue 7 item 8): the
// demo CA and its signer start beside nitelikd, scripts/demo-token.sh gives
// AYŞE a qualified certificate, she fills her form (her security word), then
//   - logs in to Online İşlemler by Şifreli Giriş and opens Sertifikalarım:
//     her certificate with its end date, Geçerli;
//   - Askıya Al: the confirmation page, the security word again, the tick:
//     "Sertifikanız askıya alındı", the row says Askıda, OCSP says
//     certificateHold (openssl ocsp against /ocsp);
//   - Askıdan İndir the same way: Geçerli again, OCSP good.
// Screenshots: tests/out/e2e/selfservice-*.png.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, shot, step, expect, done, BASE } from '../lib.mjs';
import { AYSE, DATA, FORM, confirmBySms, demoToken, expectNoScriptErrors, openForm, personLogin,
  startCA, stopCA, submitStep1 } from '../flows.mjs';

const WORD = 'Güvenli2026';
const TOKEN = join(DATA, 'imza-ayse');
let serial = '';

const { browser, context, page, problems } = await launch();

async function fetchTo(path, file) {
  const r = await fetch(`${BASE}${path}`);
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
}

// openssl ocsp against /ocsp for AYŞE's certificate: "good" or "revoked" and the text.
function ocsp() {
  const out = execFileSync('openssl', ['ocsp', '-issuer', join(DATA, 'e2e-issuing.pem'),
    '-cert', join(TOKEN, 'cert.pem'), '-url', `${BASE}/ocsp`, '-CAfile', join(DATA, 'e2e-root.pem'),
    '-verify_other', join(DATA, 'e2e-issuing.pem'), '-resp_text'], { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString();
  const m = /cert\.pem: (\w+)/.exec(out);
  return { status: m ? m[1] : '', out };
}

await step('the demo CA, its signer and AYŞE\'s token with a qualified certificate', async () => {
  await startCA();
  demoToken({ dir: TOKEN, label: 'ayse-kart' }, [AYSE, 'AYŞE', 'YILMAZ']);
  serial = execFileSync('openssl', ['x509', '-in', join(TOKEN, 'cert.pem'), '-noout', '-serial'])
    .toString().trim().split('=')[1];
  for (const n of ['root', 'issuing']) {
    await fetchTo(`/repo/${n}.crt`, join(DATA, `e2e-${n}.der`));
    execFileSync('openssl', ['x509', '-inform', 'DER', '-in', join(DATA, `e2e-${n}.der`),
      '-out', join(DATA, `e2e-${n}.pem`)]);
  }
  expect(serial.length > 10, 'no serial');
});

await step('AYŞE fills her form and chooses her security word', async () => {
  await personLogin(page, AYSE);
  await openForm(page);
  await submitStep1(page, { security_word: WORD });
  await confirmBySms(page, context, FORM.mobile);
  // A holder's security word is that of a form he approved (docs/applicant.md,
  // doors table); this bed issues her certificate directly, not through her
  // approval, so the form is marked approved here, as tests/http do.
  execFileSync('sqlite3', [join(DATA, 'nitelik.db'),
    "UPDATE form_versions SET status = 'approved' WHERE status = 'sms_confirmed'"]);
  // Log out of the wizard.
  await context.clearCookies();
});

await step('Şifreli Giriş to Online İşlemler; Sertifikalarım shows her certificate and its end date', async () => {
  await page.goto(`${BASE}/online-islemler`);
  await page.fill('#pw-tckn', AYSE);
  await page.fill('#pw-word', WORD);
  await Promise.all([page.waitForNavigation(), page.click('form:has(#pw-word) button[type="submit"]')]);
  expect(page.url().endsWith('/online-islemler/menu'), `after login: ${page.url()}`);
  await Promise.all([page.waitForNavigation(), page.click('a[href="/online-islemler/sertifikalarim"]')]);
  const row = page.locator(`tr[data-serial="${serial}"]`);
  expect(await row.count() === 1, 'her certificate is not listed');
  const text = await row.textContent();
  expect(text.includes('Geçerli') && /\d\d\.\d\d\.\d{4}/.test(text) && text.includes('gün kaldı'),
    `row: ${text}`);
  await shot(page, 'selfservice-1-certificates');
});

await step('Askıya Al: confirmed with the security word; Askıda, and OCSP says certificateHold', async () => {
  await Promise.all([page.waitForNavigation(),
    page.click(`a[href="/online-islemler/sertifika/${serial}/askiya-al"]`)]);
  await shot(page, 'selfservice-2-confirm');
  await page.fill('#security_word', 'Yanlis2026');
  await page.check('#confirm');
  await Promise.all([page.waitForNavigation(), page.click('#ss-submit')]);
  expect((await page.textContent('#ss-error')).includes('Güvenlik sözcüğü hatalı'), 'wrong word refused');
  await page.fill('#security_word', WORD);
  await page.check('#confirm');
  await Promise.all([page.waitForNavigation(), page.click('#ss-submit')]);
  expect((await page.textContent('#ss-done')).includes('askıya alındı'), 'result line');
  const row = page.locator(`tr[data-serial="${serial}"]`);
  expect((await row.getAttribute('data-status')) === 'hold', 'row status');
  expect((await row.textContent()).includes('Askıda'), 'Askıda shown');
  const o = ocsp();
  expect(o.status === 'revoked' && o.out.includes('certificateHold'), `OCSP: ${o.status}`);
  await shot(page, 'selfservice-3-suspended');
});

await step('Askıdan İndir: Geçerli again, OCSP good', async () => {
  await Promise.all([page.waitForNavigation(),
    page.click(`a[href="/online-islemler/sertifika/${serial}/askidan-indir"]`)]);
  await page.fill('#security_word', WORD);
  await page.check('#confirm');
  await Promise.all([page.waitForNavigation(), page.click('#ss-submit')]);
  expect((await page.textContent('#ss-done')).includes('askıdan indirildi'), 'result line');
  const row = page.locator(`tr[data-serial="${serial}"]`);
  expect((await row.getAttribute('data-status')) === 'good', 'row status');
  expect(ocsp().status === 'good', 'OCSP good');
  await shot(page, 'selfservice-4-unsuspended');
});

await step('no script errors on the pages', async () => {
  // The refused security word answers 401, which Chromium logs as a failed load.
  expectNoScriptErrors(problems);
});

await browser.close();
stopCA();
done();

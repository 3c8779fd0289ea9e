/* nitelik-imza's texts (imza_i18n.h): English msgid -> Turkish. Kept sorted
 * by nothing but the screens' order; looked up linearly (a few dozen). */
#include <stdlib.h>
#include <string.h>

#include "imza/imza_i18n.h"

static bool english;

static const struct {
	const char *en, *tr;
} texts[] = {
	/* the window */
	{"Nitelik e-SIGNATURE APPLICATION", "Nitelik E-İMZA UYGULAMASI"},
	{"Verification Code", "Doğrulama Kodu"},
	{"_Verification Code", "_Doğrulama Kodu"},
	{"Enter the verification code shown in your browser in this box and press Next.",
	 "Tarayıcınızda bulunan doğrulama kodunu bu kutucuğa giriniz ve İleri düğmesine basınız."},
	{"_Paste", "_Yapıştır"},
	{"Paste the code you copied in the browser", "Tarayıcıda kopyaladığınız kodu yapıştırın"},
	{"_Next →", "İ_leri →"},
	{"_Unblock card (Kilit Çözme)…", "_Kilit Çözme…"},
	{"The verification code is 15 digits. Copy it from the page in your browser.",
	 "Doğrulama kodu 15 rakamdır. Tarayıcınızdaki sayfadan kopyalayınız."},
	{"No server address was given (--server or NITELIK_IMZA_SERVER).",
	 "Sunucu adresi verilmedi (--server ya da NITELIK_IMZA_SERVER)."},
	{"Fetching the text to sign…", "İmzalanacak metin alınıyor…"},
	{"Agreement", "Sözleşme"},
	{"Text to sign:", "İmzalanacak Metin:"},
	{"Created", "Oluşturma Tarihi"},
	{"Signed", "İmzalama Tarihi"},
	{"Certificate Selection", "Sertifika Seçimi"},
	{"_Choose a Certificate", "_Sertifika Seçiniz"},
	{"No certificate on a card", "Takılı kartta sertifika yok"},
	{"Holder", "Sahibi"},
	{"Issuer", "Veren"},
	{"Valid until", "Son Geçerlilik"},
	{" (NOT QUALIFIED)", " (NİTELİKLİ DEĞİL)"},
	{"_PIN Code", "_PIN Kodu"},
	{"Delete the last digit", "Son rakamı sil"},
	{"_SIGN", "İ_MZALA"},
	{"Time left: %lld s", "Kalan Süre: %lld sn"},
	{"Choose the certificate on your card, enter your PIN and press SIGN.",
	 "Bilgisayara takılı e-imzanızdaki sertifikanızı seçiniz, PIN kodunuzu girip İMZALA "
	 "düğmesine basınız."},
	{"No certificate was found on the card.", "Kartta sertifika bulunamadı."},
	{"Choose a certificate.", "Sertifika seçiniz."},
	{"Enter your PIN.", "PIN kodunuzu giriniz."},
	{"Signing…", "İmzalanıyor…"},
	{"The verification code has expired. Get a new code in your browser.",
	 "Doğrulama kodunun süresi doldu. Tarayıcınızda yeni bir kod alınız."},
	{"Wrong PIN.", "PIN yanlış."},
	{"Wrong PIN. You have few tries left.", "PIN yanlış. Az sayıda deneme hakkınız kaldı."},
	{"Wrong PIN. You have one try left: one more wrong PIN blocks the card.",
	 "PIN yanlış. Son deneme hakkınız kaldı: bir kez daha yanlış girilirse kart bloke olur."},
	{"Your card is blocked: the PIN is locked. You can open it with Kilit Çözme (Online İşlemler) "
	 "and the card's PUK.",
	 "Kartınız bloke oldu: PIN kilitlendi. Online İşlemler'deki Kilit Çözme ve kartınızın PUK "
	 "kodu ile kartınızı açabilirsiniz."},
	{"This certificate is not a qualified electronic certificate: choose your qualified "
	 "certificate.",
	 "Bu sertifika nitelikli elektronik sertifika değil: nitelikli sertifikanızı seçiniz."},
	{"The card did not answer: make sure it is inserted and try again.",
	 "Kart yanıt vermedi: kartınızın takılı olduğundan emin olup tekrar deneyiniz."},
	{"Signing failed: the card could not make the signature. Make sure your card is inserted. "
	 "Nothing was signed.",
	 "İmzalama başarısız: kart imzayı oluşturamadı. Kartınızın takılı olduğundan emin olunuz. "
	 "Hiçbir şey imzalanmadı."},
	{"Result", "Sonuç"},
	{"Operation Successful", "İşlem Başarılı"},
	{"Go back to the page in your browser: it shows İşlem Başarılı and goes on.",
	 "Tarayıcınızdaki sayfaya dönünüz: sayfada “İşlem Başarılı” mesajı görünür ve işleminiz devam "
	 "eder."},
	{"Card blocked", "Kart bloke"},
	{"The signature was not accepted", "İmza kabul edilmedi"},
	{"_Try Again", "_Tekrar Dene"},
	{"_Close the Application", "_Uygulamayı Kapat"},
	/* Kilit Çözme */
	{"Unblock Card (Kilit Çözme)", "Kilit Çözme"},
	{"Get a one-time unblock code in Online İşlemler → Kilit Çözme, insert the blocked card, and "
	 "enter the code, the card's PUK and a new PIN twice. The PUK and the PIN never leave this "
	 "computer.",
	 "Online İşlemler → Kilit Çözme sayfasından tek kullanımlık kilit çözme kodu alınız, bloke "
	 "kartınızı takınız; kodu, kartın PUK kodunu ve iki kez yeni PIN'inizi giriniz. PUK ve PIN bu "
	 "bilgisayardan çıkmaz."},
	{"_Unblock Code (12 digits)", "_Kilit Çözme Kodu (12 rakam)"},
	{"P_UK Code", "P_UK Kodu"},
	{"_New PIN", "_Yeni PIN"},
	{"New PIN (_again)", "Yeni PIN (_tekrar)"},
	{"_Unblock", "Kilidi _Çöz"},
	{"_Back", "_Geri"},
	{"Unblocking…", "Kartın kilidi çözülüyor…"},
	{"Card unblocked", "Kartınızın kilidi çözüldü"},
	{"The card could not be unblocked", "Kartın kilidi çözülemedi"},
	{"Enter the card's PUK.", "Kartınızın PUK kodunu giriniz."},
	{"The unblock code is 12 digits.", "Kilit çözme kodu 12 rakamdır."},
	{"The PIN must be 4 to 16 digits.", "PIN 4 ile 16 arasında rakamdan oluşmalıdır."},
	{"The PINs are not the same.", "PIN'ler aynı değil."},
	{"The PKCS#11 module could not be loaded: %s", "PKCS#11 modülü yüklenemedi: %s"},
	{"The PKCS#11 module could not be started: %s", "PKCS#11 modülü başlatılamadı: %s"},
	{"No card found: make sure your card is inserted.",
	 "Kart bulunamadı: kartınızın takılı olduğundan emin olunuz."},
	{"More than one card is inserted: choose one with --token.",
	 "Birden fazla kart takılı: --token ile birini seçiniz."},
	{"No session could be opened with the card.", "Kartla oturum açılamadı."},
	{"The PUK is blocked too: the card cannot be opened. Apply for a new certificate with the "
	 "reason PIN/PUK lost or stolen.",
	 "PUK da bloke: kart açılamaz. PIN/PUK Kayıp/Çalıntı nedeniyle yeni sertifika başvurusu "
	 "yapınız."},
	{"Wrong PUK. Your unblock code was not used.", "PUK yanlış. Kilit çözme kodunuz kullanılmadı."},
	{"The server could not be reached (%s): %s", "Sunucuya ulaşılamadı (%s): %s"},
	{"The server did not accept the code.", "Sunucu kodu kabul etmedi."},
	{"This unblock code was not issued for the certificate on this card.",
	 "Bu kilit çözme kodu bu karttaki sertifika için alınmamış. Kodunuz kullanılmadı."},
	{"The card did not take the new PIN (0x%lx).", "Kart yeni PIN'i kabul etmedi (0x%lx)."},
	{"Your new PIN is on your card. Your card is unblocked.",
	 "Yeni PIN'iniz kartınıza kaydedildi. Kartınızın kilidi çözüldü."},
	{"The server could not be told that the code was used:",
	 "Kodun kullanıldığı sunucuya bildirilemedi:"},
	{"Unblock code: ", "Kilit Çözme Kodu: "},
	{"PUK code: ", "PUK Kodu: "},
	{"New PIN: ", "Yeni PIN: "},
	{"New PIN (again): ", "Yeni PIN (tekrar): "},
	{"Card", "Kart"},
	{" (PIN blocked)", " (PIN bloke)"},
};

static bool is_en(const char *v)
{
	return v && !strncmp(v, "en", 2);
}

void nl_imza_lang_init(const char *lang, bool from_env)
{
	if (lang) {
		english = is_en(lang);
		return;
	}
	english = false;
	if (!from_env)
		return;
	static const char *vars[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v && strcmp(v, "C") && strcmp(v, "POSIX")) {
			english = is_en(v);
			return;
		}
	}
}

bool nl_imza_lang_en(void)
{
	return english;
}

const char *T(const char *msgid)
{
	if (english)
		return msgid;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strcmp(texts[i].en, msgid))
			return texts[i].tr;
	return msgid;
}

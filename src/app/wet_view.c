/* The form's data in Turkish, as printed on the wet-signature PDF and shown to
 * the registration officer (wet_internal.h), and the undertaking's text. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app/wet_internal.h"
#include "core/geo.h"
#include "core/validate.h"
#include "store/store_institutions.h"
#include "store/store_persons.h"

const char nl_undertaking_title_tr[] = "SERTİFİKA SAHİBİ TAAHHÜTNAMESİ";

const char nl_undertaking_tr[] =
	"Aşağıda yazılı bütün bilgilerin doğru olduğunu, aksi halde doğacak her türlü zarardan "
	"sorumlu olduğumu beyan ederim. Bu formdaki bilgilere göre adıma Nitelikli Elektronik "
	"Sertifika hazırlanmasını talep ederim. Sertifika sahibi olarak;\n"
	"1. 5070 sayılı Elektronik İmza Kanunu ile ilgili yönetmelik ve tebliğlerin hükümlerine "
	"ve Sertifikasyon Merkezinin Sertifika Uygulama Esaslarına uyacağımı,\n"
	"2. İmza oluşturma verimi, akıllı kartımı, PIN ve PUK bilgilerimi başkalarıyla "
	"paylaşmayacağımı, başkasına kullandırmayacağımı ve özenle koruyacağımı,\n"
	"3. Sertifikamı yalnızca elektronik imza oluşturmak için ve sertifikada belirtilen "
	"kullanım sınırları içinde kullanacağımı,\n"
	"4. İmza oluşturma verimin güvenliğinden şüphe ettiğimde, akıllı kartımı kaybettiğimde "
	"veya çaldırdığımda sertifikamı gecikmeksizin iptal ettireceğimi,\n"
	"5. Sertifikamdaki bilgilerde bir değişiklik olduğunda durumu Sertifikasyon Merkezine "
	"derhal bildireceğimi,\n"
	"6. Geçerlilik süresi dolmuş, iptal edilmiş veya askıya alınmış sertifikamla imza "
	"oluşturmayacağımı,\n"
	"7. Kişisel verilerimin nitelikli elektronik sertifika hizmetinin sunulması amacıyla "
	"6698 sayılı Kişisel Verilerin Korunması Kanunu'na uygun olarak işlenmesini ve "
	"sertifikamın, yayımlanmasını istediğim takdirde sertifika deposunda yayımlanmasını\n"
	"kabul ve taahhüt ederim.";

struct label {
	const char *code, *tr;
};

static const struct label readers[] = {
	{"none", "İstenmiyor"}, {"standard", "Standart Kart Okuyucu"},
	{"mini", "Mini Kart Okuyucu"}, {NULL, NULL}};
static const struct label yes_no[] = {{"yes", "Evet"}, {"no", "Hayır"}, {NULL, NULL}};
static const struct label operators[] = {
	{"turkcell", "Turkcell"}, {"vodafone", "Vodafone"}, {"turk_telekom", "Türk Telekom"},
	{NULL, NULL}};
static const struct label channels[] = {
	{"email", "E-posta"}, {"sms", "SMS"}, {"both", "Her ikisi (E-posta+SMS)"}, {NULL, NULL}};
static const struct label address_types[] = {
	{"institution", "Kurum Adresi"}, {"home", "Ev Adresi"}, {NULL, NULL}};
static const struct label deliveries[] = {
	{"courier", "Adrese kargo ile"},
	{"institution", "Kurum yetkilisi aracılığıyla teslim"}, {NULL, NULL}};

static const char *label_of(const struct label *t, const char *code)
{
	for (; t->code; t++)
		if (code && !strcmp(t->code, code))
			return t->tr;
	return code ? code : "";
}

/* "5321234567" -> "0532 123 45 67"; anything else as it is. */
static void phone(const char *in, char *out, size_t cap)
{
	if (in && strlen(in) == 10 && nl_all_digits(in))
		snprintf(out, cap, "0%.3s %.3s %.2s %.2s", in, in + 3, in + 6, in + 8);
	else
		snprintf(out, cap, "%s", in ? in : "");
}

/* "1990-04-23" -> "23.04.1990"; anything else as it is. */
static void birth_date(const char *in, char *out, size_t cap)
{
	if (in && strlen(in) == 10 && in[4] == '-' && in[7] == '-')
		snprintf(out, cap, "%.2s.%.2s.%.4s", in + 8, in + 5, in);
	else
		snprintf(out, cap, "%s", in ? in : "");
}

static struct nl_wet_section *add_section(struct nl_wet_view *v, const char *title)
{
	struct nl_wet_section *s = &v->sections[v->n_sections++];
	s->title = title;
	s->n = 0;
	return s;
}

static char *add_field(struct nl_wet_section *s, const char *label)
{
	struct nl_wet_field *f = &s->fields[s->n++];
	f->label = label;
	f->value[0] = '\0';
	return f->value;
}

static void put(struct nl_wet_section *s, const char *label, const char *value)
{
	snprintf(add_field(s, label), NL_WET_VALUE_MAX, "%s", value ? value : "");
}

nl_err nl_wet_fill_view(nl_conn *c, const struct nl_order *o, const struct nl_form *f,
                        const struct nl_barcode *b, struct nl_wet_view *v)
{
	struct nl_person p = {0};
	struct nl_institution inst = {0};
	nl_err rc = nl_store_person_get(c, o->person_id, &p);
	if (rc == NL_OK && o->institution_id)
		rc = nl_store_institution_get(c, o->institution_id, &inst);
	if (rc != NL_OK)
		goto out;
	memset(v, 0, sizeof *v);
	v->order_id = o->id;
	v->order_no = o->order_no;
	v->person_id = o->person_id;
	v->order_status = o->status;
	v->form_id = f->id;
	v->version = f->version;
	snprintf(v->form_status, sizeof v->form_status, "%s", nl_form_status_code(f->status));
	snprintf(v->approval_method, sizeof v->approval_method, "%s", f->approval_method);
	if (b) {
		memcpy(v->code, b->code, sizeof v->code);
		v->barcode_status = b->status;
		v->barcode_created_at = b->created_at;
		snprintf(v->reject_reason, sizeof v->reject_reason, "%s", b->reject_reason);
	}
	snprintf(v->holder_name, sizeof v->holder_name, "%s %s", p.given_name, p.surname);

	char buf[64];
	struct nl_wet_section *s = add_section(v, "Kimlik Bilgileri");
	put(s, p.id_kind == NL_ID_TCKN ? "T.C. Kimlik No" : "Pasaport No", p.id_number);
	if (p.id_kind != NL_ID_TCKN)
		put(s, "Pasaportu Veren Ülke", p.passport_country);
	put(s, "Adı", p.given_name);
	put(s, "Soyadı", p.surname);
	put(s, "Doğum Yeri", p.birth_place);
	birth_date(p.birth_date, buf, sizeof buf);
	put(s, "Doğum Tarihi", buf);

	s = add_section(v, "Ürün Bilgileri");
	snprintf(add_field(s, "Sertifika Süresi"), NL_WET_VALUE_MAX, "%" PRId64 " Yıl",
	         f->period_years);
	put(s, "Kart Okuyucu", label_of(readers, f->card_reader));
	put(s, "Sertifikanız İnternette Yayınlansın mı?", label_of(yes_no, f->publish));
	enum nl_reason reason;
	put(s, "Başvuru Nedeni",
	    nl_reason_parse(f->reason, &reason) ? nl_reason_label_tr(reason) : f->reason);
	put(s, "Ödeme Türü", nl_payment_type_label_tr(o->payment_type));
	put(s, "Yedek Sertifika", o->backup_cert ? "Evet" : "Hayır");

	s = add_section(v, "İletişim Bilgileri");
	put(s, "E-posta", f->email);
	phone(f->mobile, buf, sizeof buf);
	put(s, "Cep Telefonu", buf);
	put(s, "Operatör", label_of(operators, f->operator_name));
	phone(f->home_phone, buf, sizeof buf);
	put(s, "Ev Telefonu", buf);
	put(s, "Bilgi Kanalı", label_of(channels, f->info_channel));

	s = add_section(v, "Kurum Bilgileri");
	put(s, "Kurum", inst.name ? inst.name : "");
	put(s, "Kurum Sicil No", f->inst_registry_no);
	put(s, "Çalıştığı Birim", f->unit);
	put(s, "Ünvan", f->title);
	phone(f->work_phone, buf, sizeof buf);
	put(s, "İş Telefonu", buf);
	put(s, "Dahili", f->extension);

	s = add_section(v, "Teslimat Bilgileri");
	put(s, "Adres Tipi", label_of(address_types, f->address_type));
	put(s, "Adres", f->address);
	const struct nl_province *prov = nl_province_by_plate((int)f->province);
	put(s, "İl", prov ? prov->name : "");
	put(s, "İlçe", f->district);
	put(s, "Posta Kodu", f->postal_code);
	put(s, "Teslimat Yöntemi", label_of(deliveries, f->delivery_method));
out:
	nl_person_clear(&p);
	nl_institution_clear(&inst);
	return rc;
}

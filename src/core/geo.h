/* Turkey's 81 provinces (il) and 975 districts (ilçe), from data/il_ilce.json via
 * the generated geo_data.c. Names are compared the Turkish way, case-insensitively
 * ("istanbul" finds "İstanbul"); lists come in Turkish alphabetical order.
 * All returned pointers are static: nobody frees them. */
#ifndef NL_CORE_GEO_H
#define NL_CORE_GEO_H

#include <stdbool.h>
#include <stddef.h>

#define NL_PROVINCE_COUNT 81

struct nl_province {
	int plate;                 /* licence-plate code 1..81, also the postal code's prefix */
	const char *name;          /* "İstanbul" */
	unsigned first_district;   /* index into the district table (internal) */
	unsigned n_districts;
};

const struct nl_province *nl_province_by_plate(int plate);      /* NULL if not 1..81 */
const struct nl_province *nl_province_by_name(const char *name); /* NULL if unknown */
/* i-th province in Turkish order of names, i < NL_PROVINCE_COUNT; NULL past the end. */
const struct nl_province *nl_province_at(size_t i);

/* i-th district of p in Turkish order, i < p->n_districts; NULL past the end. */
const char *nl_district_at(const struct nl_province *p, size_t i);
/* The district's official spelling if `name` is a district of province `plate`
 * (compared Turkish-case-insensitively), else NULL: this is the "district
 * belongs to province" check of the form. */
const char *nl_district_find(int plate, const char *name);
bool nl_district_in_province(int plate, const char *name);
size_t nl_district_total(void);

/* Generated tables (geo_data.c). */
extern const char *const nl_geo_districts[];
extern const unsigned nl_geo_district_total;
extern const struct nl_province nl_geo_provinces[NL_PROVINCE_COUNT];
extern const unsigned char nl_geo_tr_order[NL_PROVINCE_COUNT];

#endif

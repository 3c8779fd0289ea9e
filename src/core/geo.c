/* Province and district look-ups over the generated tables. Linear scans: 81
 * provinces and at most a few dozen districts per province. */
#include "core/geo.h"

#include "core/text.h"

const struct nl_province *nl_province_by_plate(int plate)
{
	if (plate < 1 || plate > NL_PROVINCE_COUNT)
		return NULL;
	return &nl_geo_provinces[plate - 1];
}

const struct nl_province *nl_province_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < NL_PROVINCE_COUNT; i++)
		if (nl_tr_casecmp(nl_geo_provinces[i].name, name) == 0)
			return &nl_geo_provinces[i];
	return NULL;
}

const struct nl_province *nl_province_at(size_t i)
{
	if (i >= NL_PROVINCE_COUNT)
		return NULL;
	return nl_province_by_plate(nl_geo_tr_order[i]);
}

const char *nl_district_at(const struct nl_province *p, size_t i)
{
	if (!p || i >= p->n_districts)
		return NULL;
	return nl_geo_districts[p->first_district + i];
}

const char *nl_district_find(int plate, const char *name)
{
	const struct nl_province *p = nl_province_by_plate(plate);

	if (!p || !name)
		return NULL;
	for (size_t i = 0; i < p->n_districts; i++) {
		const char *d = nl_geo_districts[p->first_district + i];
		if (nl_tr_casecmp(d, name) == 0)
			return d;
	}
	return NULL;
}

bool nl_district_in_province(int plate, const char *name)
{
	return nl_district_find(plate, name) != NULL;
}

size_t nl_district_total(void)
{
	return nl_geo_district_total;
}

/* estate: the machine's state at an entry's start (see estate.h). */
#include "estate.h"

#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "formats.h"
#include "jget.h"

void estate_init(struct estate *s)
{
	s->thermal = -1;
	s->temp_c = -1;
	s->throttled = -1;
	s->samples = 0;
}

/* The hottest of a power event's temp_c object, -1 when it has none. */
static double hottest(const cJSON *ev)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(ev, "temp_c"), *v;
	double m = -1;

	cJSON_ArrayForEach(v, t) if (cJSON_IsNumber(v) && v->valuedouble > m)
	    m = v->valuedouble;
	return m;
}

void estate_line(struct estate *s, const char *line)
{
	cJSON *ev = cJSON_Parse(line);
	const char *type = jget_str(ev, "ev");
	const cJSON *thr;
	double t;

	if (type == NULL || strcmp(type, "power") != 0) {
		cJSON_Delete(ev);
		return;
	}
	s->samples++;
	if (jget_str(ev, "thermal"))
		s->thermal = formats_thermal_of(jget_str(ev, "thermal"));
	if ((t = hottest(ev)) >= 0)
		s->temp_c = t;
	thr = cJSON_GetObjectItemCaseSensitive(ev, "throttled");
	if (cJSON_IsBool(thr))
		s->throttled = cJSON_IsTrue(thr);
	cJSON_Delete(ev);
}

char *estate_json(const struct estate *s, char *buf, size_t n)
{
	char th[40] = "null", tc[40] = "null";

	if (s->thermal >= 0)
		snprintf(th, sizeof th, "\"%s\"",
			 formats_thermal_name(s->thermal));
	if (s->temp_c >= 0)
		snprintf(tc, sizeof tc, "%.1f", s->temp_c);
	snprintf(buf, n, "\"thermal\":%s,\"temp_c\":%s,\"throttled\":%s", th,
		 tc,
		 s->throttled < 0 ? "null"
		 : s->throttled	  ? "true"
				  : "false");
	return buf;
}

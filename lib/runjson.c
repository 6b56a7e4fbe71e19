/* runjson: loads and checks one run JSON file (see runjson.h). */
#include "runjson.h"

#include <stdio.h>
#include <string.h>

cJSON *runjson_parse(const char *text, size_t len, char *why, size_t whylen)
{
	const char *end = NULL, *at, *p;
	const cJSON *fmt, *ver;
	cJSON *doc = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	long line = 1, col = 1;

	if (doc == NULL) {
		at = cJSON_GetErrorPtr();
		for (p = text; at && p < at && p < text + len; p++) {
			col = *p == '\n' ? 1 : col + 1;
			line += *p == '\n';
		}
		snprintf(why, whylen, "%ld:%ld: invalid JSON", line, col);
		return NULL;
	}
	fmt = cJSON_GetObjectItemCaseSensitive(doc, "format");
	ver = cJSON_GetObjectItemCaseSensitive(doc, "version");
	if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, FMT_RUN) != 0)
		snprintf(why, whylen, "not a tokbench run JSON (agg's output)");
	else if (cJSON_IsNumber(ver) && ver->valuedouble > FMT_RUN_VERSION)
		snprintf(why, whylen,
			 "run format version %g is newer than this "
			 "reader knows (%d)",
			 ver->valuedouble, FMT_RUN_VERSION);
	else if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "run")))
		snprintf(why, whylen, "no \"run\" object");
	else
		return doc;
	cJSON_Delete(doc);
	return NULL;
}

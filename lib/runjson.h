/* runjson: loads and checks one run JSON file (agg's output) for readers. */
#ifndef TB_RUNJSON_H
#define TB_RUNJSON_H

#include <stddef.h>

#include <cJSON.h>

#include "formats.h"

/*
 * Parses text[0..len) as a run JSON: one JSON object with format
 * "tokbench-run", a version this reader knows (<= FMT_RUN_VERSION, formats.h)
 * and a "run" object.  Returns the document (the caller deletes it with
 * cJSON_Delete), or NULL with the reason in why: "LINE:COL: invalid JSON",
 * "not a tokbench run JSON (agg's output)", "run format version N is newer
 * ...", "no \"run\" object".
 */
cJSON *runjson_parse(const char *text, size_t len, char *why, size_t whylen);

#endif

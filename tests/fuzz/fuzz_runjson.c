/* libFuzzer target: report's loader of run JSON files. */
#include <stdint.h>

#include "runjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char why[200];

	cJSON_Delete(runjson_parse((const char *)data, size, why, sizeof why));
	return 0;
}

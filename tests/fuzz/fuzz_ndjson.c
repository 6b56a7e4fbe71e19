/* libFuzzer target: the NDJSON reader, lenient and strict, on a file. */
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "ndjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void read_all(FILE *f, int flags)
{
	ndjson_reader *r;
	cJSON *v;
	int rc;

	rewind(f);
	lseek(fileno(f), 0, SEEK_SET);
	r = ndjson_open(f, "fuzz", flags);
	while ((rc = ndjson_next(r, &v)) == ND_OK || rc == ND_INVALID)
		if (rc == ND_OK)
			cJSON_Delete(v);
	ndjson_close(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *f;

	if (f == NULL && (f = tmpfile()) == NULL)
		return 0;
	if (ftruncate(fileno(f), 0) != 0 ||
	    pwrite(fileno(f), data, size, 0) != (ssize_t)size)
		return 0;
	read_all(f, 0);
	read_all(f, ND_STRICT);
	return 0;
}

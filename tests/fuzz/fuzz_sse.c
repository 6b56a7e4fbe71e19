/* libFuzzer target: the SSE parser and the OpenAI delta decoder, on input
 * split into pieces at offsets the input itself chooses; and the one-pass
 * decoder (oai_decode_lean) against the tree's, which must agree on every
 * field gen reads, and so must oai_decode_memo with the input's previous
 * event kept: a difference aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oai.h"
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int on_event(void *ctx, const struct sse_event *ev)
{
	struct oai_memo *m = ctx;
	struct oai_chunk a, b;

	oai_decode(ev->data, ev->len, &a);
	oai_decode_lean(ev->data, ev->len, &b);
	if (!oai_same(&a, &b))
		abort();
	oai_clear(&b);
	oai_decode_memo(m, ev->data, ev->len, &b);
	if (!oai_same(&a, &b))
		abort();
	oai_clear(&a);
	oai_clear(&b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct oai_memo m;
	sse_parser *p;
	size_t step, i;

	memset(&m, 0, sizeof m);
	p = sse_new(on_event, &m, 1 << 20);
	if (p == NULL || size == 0) {
		sse_free(p);
		return 0;
	}
	step = 1 + data[0] % 64; /* the first byte chooses the read size */
	for (i = 1; i < size; i += step)
		sse_feed(p, (const char *)data + i,
			 i + step <= size ? step : size - i);
	sse_finish(p);
	sse_free(p);
	return 0;
}

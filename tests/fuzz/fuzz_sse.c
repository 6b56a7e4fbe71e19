/* libFuzzer target: the SSE parser and the OpenAI delta decoder, on input
 * split into pieces at offsets the input itself chooses; and the one-pass
 * decoder (oai_decode_lean) against the tree's, which must agree on every
 * field gen reads: a difference aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "oai.h"
#include "sse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_text(const char *a, size_t an, const char *b, size_t bn)
{
	if (a == NULL || b == NULL)
		return a == b && an == bn;
	return an == bn && memcmp(a, b, an) == 0;
}

static int same_str(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static int on_event(void *ctx, const struct sse_event *ev)
{
	struct oai_chunk a, b;

	(void)ctx;
	oai_decode(ev->data, ev->len, &a);
	oai_decode_lean(ev->data, ev->len, &b);
	if (a.kind != b.kind || a.role_only != b.role_only ||
	    !same_text(a.content, a.content_len, b.content, b.content_len) ||
	    !same_text(a.reasoning, a.reasoning_len, b.reasoning,
		       b.reasoning_len) ||
	    a.tool_len != b.tool_len || a.has_tool != b.has_tool ||
	    !same_str(a.finish, b.finish) || !same_str(a.error, b.error) ||
	    !same_str(a.bad, b.bad) || !a.usage != !b.usage ||
	    !a.timings != !b.timings || !a.stats != !b.stats ||
	    !a.metrics != !b.metrics)
		abort();
	oai_clear(&a);
	oai_clear(&b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sse_parser *p = sse_new(on_event, NULL, 1 << 20);
	size_t step, i;

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

/* libFuzzer target: the prompt-set loader and the synthetic filler. */
#include <stdint.h>
#include <stdlib.h>

#include "prompts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prompt_set set;
	char err[256];
	int i;

	if (prompts_parse((const char *)data, size, &set, err, sizeof err) ==
	    0) {
		for (i = 0; i < set.n; i++)
			if (set.v[i].synthetic_tokens > 0 &&
			    set.v[i].synthetic_tokens < 4096)
				free(prompts_filler(set.v[i].synthetic_tokens));
		prompts_free(&set);
	}
	return 0;
}

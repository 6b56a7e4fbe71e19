/* quant: bits per weight of quantization names (see quant.h). */
#include "quant.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name; /* lower case, no separators */
	double bits;
} known[] = {
    {"iq1s", 1.56},   {"iq1m", 1.75}, {"iq2xxs", 2.06}, {"iq2xs", 2.31},
    {"iq2s", 2.5},    {"q2k", 2.63},  {"q2ks", 2.5},	{"iq2m", 2.7},
    {"iq3xxs", 3.06}, {"iq3xs", 3.3}, {"q3ks", 3.5},	{"iq3s", 3.44},
    {"iq3m", 3.66},   {"q3km", 3.91}, {"q3kl", 4.27},	{"iq4xs", 4.25},
    {"iq4nl", 4.5},   {"q40", 4.5},   {"mxfp4", 4.25},	{"q41", 5.0},
    {"q4ks", 4.58},   {"q4km", 4.89}, {"q50", 5.5},	{"q51", 6.0},
    {"q5ks", 5.54},   {"q5km", 5.69}, {"q6k", 6.56},	{"q80", 8.5},
    {"f16", 16},      {"fp16", 16},   {"bf16", 16},	{"f32", 32},
    {"fp32", 32},
};

/* name, lower case, without '_', '-', '.', ' ' */
static void squash(const char *name, char *out, size_t n)
{
	size_t k = 0;

	for (; *name && k + 1 < n; name++)
		if (!strchr("_-. ", *name))
			out[k++] = (char)tolower((unsigned char)*name);
	out[k] = '\0';
}

double quant_bits(const char *name)
{
	char s[64], *end;
	size_t i;
	long b;

	if (name == NULL)
		return NAN;
	squash(name, s, sizeof s);
	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(s, known[i].name) == 0)
			return known[i].bits;
	/* MLX: "4bit", "4-bit", "8bit" */
	b = strtol(s, &end, 10);
	if (end != s && strcmp(end, "bit") == 0 && b >= 1 && b <= 16)
		return (double)b + 0.5;
	return NAN;
}

int quant_cmp(const char *a, const char *b)
{
	double x = quant_bits(a), y = quant_bits(b);

	if (!isnan(x) && !isnan(y) && x != y)
		return x < y ? -1 : 1;
	if (isnan(x) != isnan(y))
		return isnan(x) ? 1 : -1; /* known first */
	return strcmp(a ? a : "", b ? b : "");
}

/* runenv: recorded settings, credentials left out (see runenv.h). */
#include "runenv.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const prefixes[] = {"GGML_",	  "MLX_",   "LLAMA_",
				       "OLLAMA_", "METAL_", NULL};
static const char *const secret_words[] = {"KEY",  "TOKEN", "SECRET", "PASS",
					   "AUTH", "CRED",  NULL};

/* Whether name[0..n) holds word, ignoring case. */
static int has_word(const char *name, size_t n, const char *word)
{
	size_t k = strlen(word), i;

	for (i = 0; i + k <= n; i++)
		if (strncasecmp(name + i, word, k) == 0)
			return 1;
	return 0;
}

int runenv_wanted(const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n;
	int i, prefixed = 0;

	if (eq == NULL)
		return 0;
	n = (size_t)(eq - entry);
	for (i = 0; prefixes[i]; i++)
		if (strncmp(entry, prefixes[i], strlen(prefixes[i])) == 0)
			prefixed = 1;
	for (i = 0; prefixed && secret_words[i]; i++)
		if (has_word(entry, n, secret_words[i]))
			return 0;
	return prefixed;
}

int runenv_secret_value(const char *v)
{
	size_t run = 0, i;

	if (strncmp(v, "sk-", 3) == 0 || strncmp(v, "hf_", 3) == 0 ||
	    strncasecmp(v, "bearer ", 7) == 0)
		return 1;
	/* a token: 32 or more letters and digits in a row, with both */
	for (i = 0; v[i]; i++) {
		run = isalnum((unsigned char)v[i]) ? run + 1 : 0;
		if (run >= 32) {
			size_t j, digits = 0, alpha = 0;
			for (j = i + 1 - run; j <= i; j++) {
				digits += isdigit((unsigned char)v[j]) != 0;
				alpha += isalpha((unsigned char)v[j]) != 0;
			}
			if (digits > 0 && alpha > 0)
				return 1;
		}
	}
	return 0;
}

void runenv_write(jw *w, const char *const *env)
{
	char key[128];
	const char *eq;

	jw_obj_open(w, "env");
	for (; env != NULL && *env != NULL; env++) {
		if (!runenv_wanted(*env))
			continue;
		eq = strchr(*env, '=');
		snprintf(key, sizeof key, "%.*s", (int)(eq - *env), *env);
		jw_str(w, key,
		       runenv_secret_value(eq + 1) ? "[redacted]" : eq + 1);
	}
	jw_obj_close(w);
}

/* jget: typed reads of cJSON values (see jget.h). */
#include "jget.h"

#include <stdio.h>
#include <string.h>

static double num_of(const cJSON *v, double dflt);
static const char *str_of(const cJSON *v);

double jget_num(const cJSON *o, const char *key, double dflt)
{
	return num_of(cJSON_GetObjectItemCaseSensitive(o, key), dflt);
}

const char *jget_str(const cJSON *o, const char *key)
{
	return str_of(cJSON_GetObjectItemCaseSensitive(o, key));
}

const cJSON *jget_obj(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsObject(v) ? v : NULL;
}

int jget_copy(char *dst, size_t n, const cJSON *o, const char *key)
{
	const char *s = jget_str(o, key);

	if (s == NULL || n == 0)
		return 0;
	snprintf(dst, n, "%s", s);
	return 1;
}

/* The member of o whose name is key[0..len). */
static const cJSON *member(const cJSON *o, const char *key, size_t len)
{
	const cJSON *c;

	if (!cJSON_IsObject(o))
		return NULL;
	for (c = o->child; c != NULL; c = c->next)
		if (c->string != NULL && strncmp(c->string, key, len) == 0 &&
		    c->string[len] == '\0')
			return c;
	return NULL;
}

const cJSON *jget_path(const cJSON *o, const char *path)
{
	const char *dot;

	while (o != NULL && path != NULL && *path != '\0') {
		dot = strchr(path, '.');
		o = member(o, path, dot ? (size_t)(dot - path) : strlen(path));
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

/* The typed reads of a value already found. */
static double num_of(const cJSON *v, double dflt)
{
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static const char *str_of(const cJSON *v)
{
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

double jget_path_num(const cJSON *o, const char *path, double dflt)
{
	return num_of(jget_path(o, path), dflt);
}

const char *jget_path_str(const cJSON *o, const char *path)
{
	return str_of(jget_path(o, path));
}

/* prompts: loads a prompt set (docs/prompts.md) into memory. */
#include "prompts.h"

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grade.h"

static const char *const keys[] = {
    "name",   "prompt",		  "messages", "max_tokens", "category",
    "expect", "synthetic_tokens", "note",     "answer",	    NULL};

static char *dup_or_null(const cJSON *v)
{
	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

/* Line and column of position at in text. */
static void line_col(const char *text, const char *at, int *line, int *col)
{
	const char *p;

	*line = 1;
	*col = 1;
	for (p = text; p < at; p++) {
		if (*p == '\n')
			(*line)++, *col = 1;
		else
			(*col)++;
	}
}

static int whole_number(const cJSON *v, int lo, int *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < lo || v->valuedouble > 100000000)
		return -1;
	*out = (int)v->valuedouble;
	return 0;
}

/* Checks the messages array: objects with a role and string content (or
 * an array of parts). */
static const char *check_messages(const cJSON *m)
{
	const cJSON *it;

	if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) == 0)
		return "\"messages\" must be a non-empty array";
	cJSON_ArrayForEach(it, m)
	{
		const cJSON *c =
		    cJSON_GetObjectItemCaseSensitive(it, "content");
		if (!cJSON_IsString(
			cJSON_GetObjectItemCaseSensitive(it, "role")))
			return "each message needs a \"role\" string";
		if (!cJSON_IsString(c) && !cJSON_IsArray(c))
			return "each message needs a \"content\" string or "
			       "array";
	}
	return NULL;
}

/* The messages' string contents joined with newlines. */
static char *join_text(const cJSON *m)
{
	const cJSON *it;
	size_t len = 0, k;
	char *s;

	cJSON_ArrayForEach(it, m)
	{
		const cJSON *c =
		    cJSON_GetObjectItemCaseSensitive(it, "content");
		if (cJSON_IsString(c))
			len += strlen(c->valuestring) + 1;
	}
	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	len = 0;
	cJSON_ArrayForEach(it, m)
	{
		const cJSON *c =
		    cJSON_GetObjectItemCaseSensitive(it, "content");
		if (!cJSON_IsString(c))
			continue;
		if (len > 0)
			s[len++] = '\n';
		k = strlen(c->valuestring);
		memcpy(s + len, c->valuestring, k);
		len += k;
	}
	s[len] = '\0';
	return s;
}

static const char *check_keys(const cJSON *o)
{
	static char msg[96];
	const cJSON *v;
	int i;

	cJSON_ArrayForEach(v, o)
	{
		for (i = 0; keys[i] && strcmp(keys[i], v->string) != 0; i++)
			;
		if (keys[i] == NULL && v->string[0] != '_') {
			snprintf(msg, sizeof msg, "unknown key \"%.40s\"",
				 v->string);
			return msg;
		}
	}
	return NULL;
}

const char *prompts_check_regex(const char *re)
{
	size_t i, n = strlen(re);
	int after_quant = 0;

	if (n > 1024)
		return "\"expect\" is longer than 1024 bytes";
	for (i = 0; i < n; i++) {
		char c = re[i];
		if (c == '\\' && i + 1 < n) {
			i++;
			after_quant = 0;
		} else if (c == '[') { /* a bracket expression: skip it whole */
			i += (i + 1 < n && re[i + 1] == '^') ? 2 : 1;
			if (i < n && re[i] == ']')
				i++;
			while (i < n && re[i] != ']')
				i++;
			after_quant = 0;
		} else if (c == '*' || c == '+' || c == '?' || c == '{') {
			if (after_quant)
				return "\"expect\" repeats a repetition (like "
				       "++ or *{2}), "
				       "which POSIX leaves undefined";
			if (c == '{')
				while (i < n && re[i] != '}')
					i++;
			after_quant = 1;
		} else {
			after_quant = 0;
		}
	}
	return NULL;
}

static const char *check_expect(const char *re)
{
	regex_t rx;
	const char *why;

	if (re == NULL)
		return NULL;
	if ((why = prompts_check_regex(re)) != NULL)
		return why;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return "\"expect\" is not a valid extended regular expression";
	regfree(&rx);
	return NULL;
}

/* Fills p from object o; returns an error message or NULL. */
static const char *parse_one(const cJSON *o, struct prompt *p)
{
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "prompt");
	const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(o, "messages");
	const cJSON *mt = cJSON_GetObjectItemCaseSensitive(o, "max_tokens");
	const cJSON *st =
	    cJSON_GetObjectItemCaseSensitive(o, "synthetic_tokens");
	const char *e;

	if (!cJSON_IsObject(o))
		return "must be an object";
	if ((e = check_keys(o)) != NULL)
		return e;
	if ((text != NULL) == (msgs != NULL))
		return "needs exactly one of \"prompt\" and \"messages\"";
	if (text != NULL && !cJSON_IsString(text))
		return "\"prompt\" must be a string";
	if (msgs != NULL && (e = check_messages(msgs)) != NULL)
		return e;
	if (mt != NULL && whole_number(mt, 1, &p->max_tokens) != 0)
		return "\"max_tokens\" must be a whole number >= 1";
	if (st != NULL && whole_number(st, 0, &p->synthetic_tokens) != 0)
		return "\"synthetic_tokens\" must be a whole number >= 0";
	p->category =
	    dup_or_null(cJSON_GetObjectItemCaseSensitive(o, "category"));
	p->expect = dup_or_null(cJSON_GetObjectItemCaseSensitive(o, "expect"));
	if ((e = check_expect(p->expect)) != NULL)
		return e;
	if (cJSON_GetObjectItemCaseSensitive(o, "answer") != NULL) {
		if ((e = grade_check(cJSON_GetObjectItemCaseSensitive(
			 o, "answer"))) != NULL)
			return e;
		p->answer = cJSON_Duplicate(
		    cJSON_GetObjectItemCaseSensitive(o, "answer"), 1);
		if (p->answer == NULL ||
		    (p->answer_json = cJSON_PrintUnformatted(p->answer)) ==
			NULL)
			return "out of memory";
	}
	if (msgs != NULL) {
		p->messages = cJSON_Duplicate(msgs, 1);
	} else {
		p->messages = cJSON_CreateArray();
		cJSON *m = cJSON_CreateObject();
		cJSON_AddStringToObject(m, "role", "user");
		cJSON_AddStringToObject(m, "content", text->valuestring);
		cJSON_AddItemToArray(p->messages, m);
	}
	p->text = join_text(p->messages);
	return p->messages && p->text ? NULL : "out of memory";
}

static int fail(char *err, size_t errlen, const char *name, const char *why)
{
	snprintf(err, errlen, "prompt \"%s\": %s", name, why);
	return -1;
}

/* In the object form, keys starting with '_' are documentation. */
static int is_doc(const cJSON *root, const cJSON *it)
{
	return cJSON_IsObject(root) && it->string && it->string[0] == '_';
}

static int parse_all(const cJSON *root, struct prompt_set *out, char *err,
		     size_t errlen)
{
	const cJSON *it;
	int n = 0, i = 0;
	char name[32];

	cJSON_ArrayForEach(it, root) n += !is_doc(root, it);
	if (n == 0) {
		snprintf(err, errlen, "the prompt set is empty");
		return -1;
	}
	if ((out->v = calloc((size_t)n, sizeof *out->v)) == NULL)
		return fail(err, errlen, "?", "out of memory");
	cJSON_ArrayForEach(it, root)
	{
		if (is_doc(root, it))
			continue;
		struct prompt *p = &out->v[i++];
		const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
		out->n = i;
		snprintf(name, sizeof name, "#%d", i);
		p->name =
		    strdup(cJSON_IsArray(root)
			       ? (cJSON_IsString(nm) ? nm->valuestring : name)
			       : it->string);
		if (cJSON_IsArray(root) && !cJSON_IsString(nm))
			return fail(err, errlen, name,
				    "needs a \"name\" string");
		if (p->name == NULL)
			return fail(err, errlen, name, "out of memory");
		/* a name is a prompt's identity in events and results: two
		 * prompts with one name would share each other's figures */
		for (int k = 0; k < i - 1; k++)
			if (strcmp(out->v[k].name, p->name) == 0)
				return fail(err, errlen, p->name,
					    "the name is used twice");
		const char *e = parse_one(it, p);
		if (e != NULL)
			return fail(err, errlen, p->name, e);
	}
	return 0;
}

int prompts_parse(const char *text, size_t len, struct prompt_set *out,
		  char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;
	int line, col, rc;

	memset(out, 0, sizeof *out);
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();
		line_col(text, at && at >= text && at <= text + len ? at : text,
			 &line, &col);
		snprintf(err, errlen, "%d:%d: invalid JSON", line, col);
		return -1;
	}
	if (!cJSON_IsObject(root) && !cJSON_IsArray(root)) {
		cJSON_Delete(root);
		snprintf(err, errlen,
			 "1:1: want an object of prompts or an "
			 "array of prompts");
		return -1;
	}
	rc = parse_all(root, out, err, errlen);
	cJSON_Delete(root);
	if (rc != 0)
		prompts_free(out);
	return rc;
}

void prompts_free_fields(struct prompt_set *set)
{
	int i;

	for (i = 0; set->v && i < set->n; i++) {
		struct prompt *p = &set->v[i];
		free(p->name);
		free(p->category);
		free(p->expect);
		cJSON_Delete(p->answer);
		free(p->answer_json);
		free(p->text);
		cJSON_Delete(p->messages);
	}
}

void prompts_free(struct prompt_set *set)
{
	prompts_free_fields(set);
	free(set->v);
	set->v = NULL;
	set->n = 0;
}

char *prompts_filler(int n)
{
	/* Ordinary technical English, so tokenizers see ~4 bytes a token. */
	static const char para[] =
	    "Large language model inference on a workstation is bound by "
	    "memory bandwidth during decoding and by compute during prompt "
	    "processing. Quantization trades precision for speed and size. "
	    "The key value cache grows with the context, and long contexts "
	    "slow both prefill and decode. ";
	size_t want = (size_t)n * 4, plen = sizeof para - 1, i;
	char *s = malloc(want + 1);

	if (s == NULL)
		return NULL;
	for (i = 0; i < want; i++)
		s[i] = para[i % plen];
	s[want] = '\0';
	return s;
}

/* Whether name is in the comma-separated list. */
static int listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while (*p) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, name, n) == 0)
			return 1;
		p += k + (p[k] == ',');
	}
	return 0;
}

int prompts_only(struct prompt_set *set, const char *list, char *err,
		 size_t errlen)
{
	const char *p = list;
	int i, k = 0;

	while (*p) {
		size_t n = strcspn(p, ",");
		for (i = 0; i < set->n; i++)
			if (strlen(set->v[i].name) == n &&
			    strncmp(set->v[i].name, p, n) == 0)
				break;
		if (i == set->n) {
			snprintf(err, errlen, "no prompt \"%.*s\"", (int)n, p);
			return -1;
		}
		p += n + (p[n] == ',');
	}
	for (i = 0; i < set->n; i++) {
		struct prompt tmp = set->v[i];
		if (listed(list, tmp.name)) {
			set->v[i] = set->v[k];
			set->v[k++] = tmp;
		}
	}
	for (i = k; i < set->n; i++) {
		struct prompt_set one = {&set->v[i], 1};
		prompts_free_fields(&one);
	}
	set->n = k;
	return 0;
}

int prompts_set_text(struct prompt *p, const char *text, char *err,
		     size_t errlen)
{
	cJSON *last = cJSON_GetArrayItem(p->messages,
					 cJSON_GetArraySize(p->messages) - 1);
	cJSON *content = cJSON_GetObjectItem(last, "content");
	char *copy;

	if (!cJSON_IsString(content)) {
		snprintf(err, errlen,
			 "prompt \"%s\": the last message has no "
			 "text to put the context before",
			 p->name);
		return -1;
	}
	copy = strdup(text);
	if (copy == NULL || cJSON_SetValuestring(content, text) == NULL) {
		free(copy);
		snprintf(err, errlen, "prompt \"%s\": out of memory", p->name);
		return -1;
	}
	free(p->text); /* the completions API sends the same text */
	p->text = copy;
	return 0;
}

const char *prompts_last_text(const struct prompt *p)
{
	cJSON *last = cJSON_GetArrayItem(p->messages,
					 cJSON_GetArraySize(p->messages) - 1);
	cJSON *content = cJSON_GetObjectItem(last, "content");

	return cJSON_IsString(content) ? content->valuestring : NULL;
}

/* One prompt's filler before its last message's text. */
static int synthesize(struct prompt *p, char *err, size_t errlen)
{
	const char *text = prompts_last_text(p);
	char *filler, *joined = NULL;
	size_t n;
	int rc;

	if (text == NULL)
		return prompts_set_text(p, "", err, errlen);
	filler = prompts_filler(p->synthetic_tokens);
	if (filler != NULL) {
		n = strlen(filler) + strlen(text) + 3;
		joined = malloc(n);
		if (joined != NULL)
			snprintf(joined, n, "%s\n\n%s", filler, text);
	}
	free(filler);
	if (joined == NULL) {
		snprintf(err, errlen, "prompt \"%s\": out of memory", p->name);
		return -1;
	}
	rc = prompts_set_text(p, joined, err, errlen);
	free(joined);
	return rc;
}

int prompts_synthesize(struct prompt_set *set, char *err, size_t errlen)
{
	int i;

	for (i = 0; i < set->n; i++)
		if (set->v[i].synthetic_tokens > 0 &&
		    synthesize(&set->v[i], err, errlen) != 0)
			return -1;
	return 0;
}

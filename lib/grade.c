/* grade: a graded item's answer checked against an output (grade.h). */
#include "grade.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const cJSON *member(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k);
}

const char *grade_check(const cJSON *spec)
{
	const cJSON *num = member(spec, "number"), *ex = member(spec, "exact");
	const cJSON *js = member(spec, "json"), *ln = member(spec, "lines"), *v;
	int kinds = (num != NULL) + (ex != NULL) + (js != NULL) + (ln != NULL);

	if (!cJSON_IsObject(spec) || kinds != 1)
		return "\"answer\" must be an object with one of \"number\", "
		       "\"exact\", \"json\" and \"lines\"";
	if (num && !cJSON_IsNumber(num))
		return "\"answer\": \"number\" must be a number";
	if (member(spec, "tol") &&
	    (!num || !cJSON_IsNumber(member(spec, "tol")) ||
	     member(spec, "tol")->valuedouble < 0))
		return "\"answer\": \"tol\" must be a number >= 0, with "
		       "\"number\"";
	if (ex && !cJSON_IsArray(ex))
		return "\"answer\": \"exact\" must be an array of strings";
	cJSON_ArrayForEach(
	    v, ex) if (!cJSON_IsString(v) ||
		       !*v->valuestring) return "\"answer\": \"exact\" must be "
						"an array of strings";
	if (ex && cJSON_GetArraySize(ex) == 0)
		return "\"answer\": \"exact\" must be an array of strings";
	if (js && !cJSON_IsObject(js))
		return "\"answer\": \"json\" must be an object";
	if (ln && (!cJSON_IsNumber(ln) || ln->valuedouble < 1 ||
		   ln->valuedouble != floor(ln->valuedouble)))
		return "\"answer\": \"lines\" must be a whole number >= 1";
	if (member(spec, "prefix") &&
	    (!ln || !cJSON_IsString(member(spec, "prefix"))))
		return "\"answer\": \"prefix\" must be a string, with "
		       "\"lines\"";
	return NULL;
}

/* The number that starts at p into *v; returns the byte after it. */
static const char *number_at(const char *p, double *v)
{
	char buf[64];
	size_t n = 0;
	int dot = 0;

	if (*p == '-')
		buf[n++] = *p++;
	while (*p && n + 1 < sizeof buf) {
		if (isdigit((unsigned char)*p))
			buf[n++] = *p++;
		else if (*p == ',' && isdigit((unsigned char)p[1]) &&
			 isdigit((unsigned char)p[2]) &&
			 isdigit((unsigned char)p[3]) &&
			 !isdigit((unsigned char)p[4]))
			p++; /* a thousands separator */
		else if (*p == '.' && !dot && isdigit((unsigned char)p[1]))
			dot = 1, buf[n++] = *p++;
		else
			break;
	}
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	while (isdigit((unsigned char)*p))
		p++;
	return p;
}

/* The last number of text ("1,234.5", "-7"); 0 when there is none. */
static int last_number(const char *text, double *v)
{
	const char *p = text;
	int found = 0;

	while (*p) {
		if (isdigit((unsigned char)*p) ||
		    (*p == '-' && isdigit((unsigned char)p[1]) &&
		     (p == text || !isalnum((unsigned char)p[-1])))) {
			p = number_at(p, v);
			found = 1;
		} else {
			p++;
		}
	}
	return found;
}

/* The last non-empty line of text, trimmed, into buf. */
static void last_line(const char *text, char *buf, size_t len)
{
	const char *end = text + strlen(text), *s;

	while (end > text && isspace((unsigned char)end[-1]))
		end--;
	for (s = end; s > text && s[-1] != '\n'; s--)
		;
	snprintf(buf, len, "%.*s", (int)(end - s), s);
}

/* The final answer of a line: "Answer:" and emphasis, quotes and a final
 * period taken off, in place. */
static char *bare(char *s)
{
	static const char strip[] = "*_`\"' \t";
	size_t n;

	while (*s && strchr(strip, *s))
		s++;
	if (strncasecmp(s, "answer:", 7) == 0 ||
	    strncasecmp(s, "final answer:", 13) == 0)
		s = strchr(s, ':') + 1;
	while (*s && strchr(strip, *s))
		s++;
	n = strlen(s);
	while (n > 0 && (strchr(strip, s[n - 1]) || s[n - 1] == '.'))
		s[--n] = '\0';
	return s;
}

static int grade_exact(const cJSON *ex, const char *text)
{
	char line[512], *b;
	const cJSON *v;

	last_line(text, line, sizeof line);
	b = bare(line);
	cJSON_ArrayForEach(v,
			   ex) if (strcasecmp(b, v->valuestring) == 0) return 1;
	return 0;
}

/* The output as a JSON object, a ``` fence around it allowed. */
static int grade_json(const cJSON *want, const char *text)
{
	const char *s = text, *e;
	cJSON *got, *w;
	int ok = 1, n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "```", 3) == 0 && (s = strchr(s, '\n')) == NULL)
		return 0;
	e = strstr(s, "```");
	got = cJSON_ParseWithLength(s, e ? (size_t)(e - s) : strlen(s));
	if (!cJSON_IsObject(got)) {
		cJSON_Delete(got);
		return 0;
	}
	cJSON_ArrayForEach(w, got) n++;
	cJSON_ArrayForEach(w, want) ok &=
	    cJSON_Compare(w, member(got, w->string), 1);
	ok &= n == cJSON_GetArraySize(want);
	cJSON_Delete(got);
	return ok;
}

static int grade_lines(const cJSON *spec, const char *text)
{
	const cJSON *pre = member(spec, "prefix");
	const char *p = text, *nl;
	int n = 0, ok = 1;

	for (; *p; p = nl ? nl + 1 : p + strlen(p)) {
		const char *q;
		nl = strchr(p, '\n');
		for (q = p; q < (nl ? nl : p + strlen(p)) &&
			    isspace((unsigned char)*q);
		     q++)
			;
		if (q == (nl ? nl : p + strlen(p)))
			continue; /* blank */
		n++;
		if (pre &&
		    strncmp(p, pre->valuestring, strlen(pre->valuestring)) != 0)
			ok = 0;
	}
	return ok && n == (int)member(spec, "lines")->valuedouble;
}

int grade_text(const cJSON *spec, const char *text)
{
	const cJSON *num = member(spec, "number");
	double v = 0, tol;

	if (text == NULL)
		return 0;
	if (num) {
		tol = member(spec, "tol")
			  ? member(spec, "tol")->valuedouble
			  : 1e-9 * fmax(1, fabs(num->valuedouble));
		return last_number(text, &v) &&
		       fabs(v - num->valuedouble) <= tol;
	}
	if (member(spec, "exact"))
		return grade_exact(member(spec, "exact"), text);
	if (member(spec, "json"))
		return grade_json(member(spec, "json"), text);
	return grade_lines(spec, text);
}

static char *answer_lines(const cJSON *spec, int wrong, char *buf, size_t len)
{
	const cJSON *pre = member(spec, "prefix");
	int n = (int)member(spec, "lines")->valuedouble + (wrong ? 1 : 0);
	size_t w = 0;

	buf[0] = '\0';
	for (int i = 1; i <= n && w < len; i++)
		w += (size_t)snprintf(buf + w, len - w, "%sitem %d\n",
				      pre ? pre->valuestring : "", i);
	return buf;
}

char *grade_answer(const cJSON *spec, int wrong, char *buf, size_t len)
{
	const cJSON *num = member(spec, "number");
	char *s;

	if (num) {
		snprintf(buf, len, "The answer is %.10g.",
			 num->valuedouble + (wrong ? 1 : 0));
	} else if (member(spec, "exact")) {
		snprintf(buf, len, "%s",
			 wrong ? "I do not know."
			       : cJSON_GetArrayItem(member(spec, "exact"), 0)
				     ->valuestring);
	} else if (member(spec, "json")) {
		s = cJSON_PrintUnformatted(member(spec, "json"));
		snprintf(buf, len, "%s",
			 s && !wrong ? s : "{\"error\": \"no\"}");
		free(s);
	} else {
		answer_lines(spec, wrong, buf, len);
	}
	return buf;
}

/* jget: typed reads of cJSON values, the one set every tool uses. */
#ifndef TB_JGET_H
#define TB_JGET_H

#include <stddef.h>

#include <cJSON.h>

/*
 * Each function takes an object (NULL or not an object is fine: nothing is
 * found there) and a key, compared case-sensitively, and returns a value
 * that belongs to the document: nothing to free.
 */

/* The number at key, or dflt when it is absent or not a number. */
double jget_num(const cJSON *o, const char *key, double dflt);

/* The string at key, or NULL when it is absent or not a string. */
const char *jget_str(const cJSON *o, const char *key);

/* The object at key, or NULL when it is absent or not an object. */
const cJSON *jget_obj(const cJSON *o, const char *key);

/* Copies the string at key into dst (at most n bytes with the NUL) and
 * returns 1, or leaves dst alone and returns 0. */
int jget_copy(char *dst, size_t n, const cJSON *o, const char *key);

/* The value at a dotted path ("metrics.ttft_s.p50"), any type, or NULL.
 * A key in the path may be of any length; a key that holds a dot cannot be
 * reached this way (use jget_* one level at a time). */
const cJSON *jget_path(const cJSON *o, const char *path);

/* The number / string at a dotted path, as jget_num and jget_str. */
double jget_path_num(const cJSON *o, const char *path, double dflt);
const char *jget_path_str(const cJSON *o, const char *path);

#endif

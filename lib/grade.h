/* grade: a graded item's answer checked against an output (docs/prompts.md,
 * "answer").  Stricter than an expect regex: the answer is extracted from
 * where a model puts a final answer, and compared whole.
 *
 *   {"number": 42}                  the last number of the output equals 42
 *   {"number": 3.14, "tol": 0.005}  ... within an absolute tolerance
 *   {"exact": ["Paris"]}            the last non-empty line, less a leading
 *                                   "Answer:", Markdown emphasis, quotes and
 *                                   a final period, equals one of the
 *                                   strings (case ignored)
 *   {"json": {"a": 1, "b": "x"}}    the output (a ``` fence allowed) is a
 *                                   JSON object with exactly these members
 *   {"lines": 3, "prefix": "- "}    exactly that many non-empty lines, each
 *                                   starting with the prefix (optional)
 */
#ifndef TB_GRADE_H
#define TB_GRADE_H

#include <stddef.h>

#include <cJSON.h>

/* NULL when spec is an answer this module grades, else why not. */
const char *grade_check(const cJSON *spec);

/* 1 when text answers spec, 0 when it does not (also for a NULL text);
 * spec must have passed grade_check. */
int grade_text(const cJSON *spec, const char *text);

/* The answer that spec wants written as a model would give it ("42",
 * "Paris", the JSON object, the lines), into buf; wrong != 0 gives an
 * answer that fails it instead.  For llmsim, which answers graded items
 * with a known accuracy.  Returns buf. */
char *grade_answer(const cJSON *spec, int wrong, char *buf, size_t len);

#endif

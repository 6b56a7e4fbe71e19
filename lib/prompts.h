/* prompts: loads a prompt set (docs/prompts.md) into memory. */
#ifndef TB_PROMPTS_H
#define TB_PROMPTS_H

#include <stddef.h>

#include <cJSON.h>

struct prompt {
	char *name;
	char *category; /* NULL when not given */
	char *expect;	/* a POSIX extended regex; NULL when none */
	cJSON *answer;	/* a graded item's answer (grade.h); NULL when none */
	char *answer_json;    /* the answer as JSON text, printed once for
			       * every request's event; NULL when none */
	cJSON *messages;      /* chat messages (owned); built from "prompt" */
	char *text;	      /* the plain prompt, for the completions API */
	int max_tokens;	      /* 0 when not given */
	int synthetic_tokens; /* 0 when not given */
};

struct prompt_set {
	struct prompt *v;
	int n;
};

/*
 * Parses a prompt set from text[0..len): either an object keyed by prompt
 * name, {"short": {"prompt": "...", "max_tokens": 100, ...}, ...}, or an
 * array of objects that each have a "name".  Each prompt has "messages"
 * (OpenAI chat messages) or "prompt" (a string), and optionally
 * "max_tokens", "category", "expect", "answer" (grade.h) and "synthetic_tokens"
 * (a filler context of about that many tokens is put before the prompt).
 * Unknown keys are errors, to catch typos; keys starting with '_' are comments.
 * Order is kept.
 * Returns 0, or -1 with "line:col: reason" or "prompt \"x\": reason" in
 * err.  Release with prompts_free.
 */
int prompts_parse(const char *text, size_t len, struct prompt_set *out,
		  char *err, size_t errlen);
void prompts_free(struct prompt_set *set);
/* Frees the fields of each prompt of set but not the array itself. */
void prompts_free_fields(struct prompt_set *set);

/* Checks an `expect` pattern before regcomp: at most 1,024 bytes and no
 * duplication operator (* + ? {m,n}) right after another, which POSIX
 * leaves undefined and glibc compiles into exponentially large automata.
 * Returns NULL when acceptable, else the reason. */
const char *prompts_check_regex(const char *re);

/* The filler text of about n tokens (4 ASCII bytes a token), deterministic;
 * the caller frees it. */
char *prompts_filler(int n);

/* Keeps only the prompts named in list (comma-separated), in the set's
 * order, freeing the others.  Returns 0, or -1 with the first name the set
 * does not have in err ("no prompt \"x\""), leaving the set unchanged. */
int prompts_only(struct prompt_set *set, const char *list, char *err,
		 size_t errlen);

/* The text of p's last message, or NULL when it has none (a message
 * whose content is not a string); it belongs to p. */
const char *prompts_last_text(const struct prompt *p);

/* Sets the text of p's last message, and its plain text (the completions
 * API's prompt), to a copy of text.  Returns 0, or -1 with the prompt and
 * reason in err (its last message has no string content; out of
 * memory). */
int prompts_set_text(struct prompt *p, const char *text, char *err,
		     size_t errlen);

/* Puts the filler of each prompt's synthetic_tokens before the text of its
 * last message (and its plain text).  Returns 0, or -1 with the prompt and
 * reason in err (its last message has no string content; out of memory). */
int prompts_synthesize(struct prompt_set *set, char *err, size_t errlen);

#endif

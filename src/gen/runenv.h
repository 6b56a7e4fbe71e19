/* runenv: the server settings a run records from the environment, with
 * nothing secret in them. */
#ifndef TB_RUNENV_H
#define TB_RUNENV_H

#include "jw.h"

/*
 * The variables users experiment with (GGML_*, MLX_*, LLAMA_*, OLLAMA_*,
 * METAL_*: GGML_METAL_N_CB, OLLAMA_NUM_PARALLEL, ...) are recorded with
 * their values, so that a comparison can say which setting a run had.
 * A variable whose name says it holds a credential (KEY, TOKEN, SECRET,
 * PASS, AUTH, CRED, anywhere, in any case) is never recorded, and a value
 * that looks like one ("sk-...", "hf_...", "Bearer ...", or a long run of
 * letters and digits with no separator) is written as "[redacted]".
 */

/* Whether the variable NAME=VALUE (entry as in environ) is recorded. */
int runenv_wanted(const char *entry);

/* Whether a value looks like a credential. */
int runenv_secret_value(const char *value);

/* Writes the object "env" of the wanted variables of env (environ's form,
 * NULL-terminated) into the open object of w. */
void runenv_write(jw *w, const char *const *env);

#endif

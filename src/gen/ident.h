/* ident: is the model the server has loaded the one a run claims to
 * measure?  The claim is gen's labels (quant, backend, ctx) and the model
 * id it sends; the facts are what the server says it has loaded
 * (src/gen/probe). Pure: no I/O (docs/gen.md, "Model identity"). */
#ifndef TB_IDENT_H
#define TB_IDENT_H

#include <stddef.h>

#include "probe.h"

/* What a run claims; NULL or <= 0: not claimed. */
struct ident_claim {
	const char *model_id; /* the id sent (LM Studio: key, instance id or
				 key@variant) */
	const char *quant;    /* Q4_K_M, 4bit ... */
	const char *backend;  /* gguf or mlx (anything else is not checked) */
	long ctx;	      /* the context length the model was loaded with */
};

/* Two names of one quantization: case, punctuation and llama.cpp's long
 * names aside ("Q4_K_M" = "q4_k_m" = "Q4_K - Medium"; "4bit" = "4BIT"). */
int ident_quant_eq(const char *a, const char *b);

/* A context length label: 131072, 128k or 128K (x 1024); -1 when it is
 * not one. */
long ident_parse_ctx(const char *s);

/* Compares the claim with the server's facts.  0: nothing differs (or the
 * server told nothing to compare); 1: a difference, said in why (both
 * sides named, and the way out).  kind_name names the server. */
int ident_check(const struct ident_claim *c, const struct srv_info *s,
		char *why, size_t n);

#endif

/* ident: the loaded model against the run's claim (see ident.h). */
#include "ident.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A quantization name in one spelling: upper case, letters and digits
 * only, llama.cpp's long suffixes ("Q4_K - Medium", llama_model_ftype_name)
 * as the short ones. */
static void quant_norm(const char *s, char *out, size_t n)
{
	static const struct {
		const char *longer, *shorter;
	} suffix[] = {{" - EXTRA SMALL", "XS"},
		      {" - SMALL", "S"},
		      {" - MEDIUM", "M"},
		      {" - LARGE", "L"}};
	char up[128];
	size_t i, k = 0;

	for (i = 0; s[i] && i + 1 < sizeof up; i++)
		up[i] = (char)toupper((unsigned char)s[i]);
	up[i] = '\0';
	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		char *at = strstr(up, suffix[i].longer);
		if (at && at[strlen(suffix[i].longer)] == '\0') {
			strcpy(at, suffix[i].shorter);
			break;
		}
	}
	for (i = 0; up[i] && k + 1 < n; i++)
		if (isalnum((unsigned char)up[i]))
			out[k++] = up[i];
	out[k] = '\0';
}

int ident_quant_eq(const char *a, const char *b)
{
	char x[128], y[128];

	if (a == NULL || b == NULL)
		return 0;
	quant_norm(a, x, sizeof x);
	quant_norm(b, y, sizeof y);
	return x[0] && strcmp(x, y) == 0;
}

long ident_parse_ctx(const char *s)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v <= 0 || v > 100000000)
		return -1;
	if ((*end == 'k' || *end == 'K') && end[1] == '\0')
		return v * 1024;
	return *end == '\0' ? v : -1;
}

/* gguf or mlx: the two formats a claim is checked for; Ollama calls a
 * model its MLX runner serves "safetensors" (src/gen/probe). */
static int backend_differs(const char *claim, const char *told)
{
	int told_gguf = strcasecmp(told, "gguf") == 0;
	int told_mlx = strcasecmp(told, "mlx") == 0 ||
		       strcasecmp(told, "safetensors") == 0;

	/* another word (llmsim's "sim") tells no format */
	if (strcasecmp(claim, "gguf") == 0)
		return told_mlx;
	if (strcasecmp(claim, "mlx") == 0)
		return told_gguf;
	return 0;
}

int ident_check(const struct ident_claim *c, const struct srv_info *s,
		char *why, size_t n)
{
	const char *kind = probe_kind_name(s->kind);
	/* LM Studio names an instance by its id: a request for another id
	 * loads that model (just in time); llama-server (and llmsim as it)
	 * answers any name with the one model it serves */
	int lms = s->kind == SRV_LMSTUDIO;

	why[0] = '\0';
	if (s->n_loaded > 1) {
		snprintf(why, n,
			 "%s has %d models loaded (%s): their memory and their "
			 "scheduling would be measured together; unload all "
			 "but one (LM "
			 "Studio: lms unload --all, then lms load)",
			 kind, s->n_loaded, s->loaded);
		return 1;
	}
	if (s->n_loaded == 0 && s->kind == SRV_LMSTUDIO) {
		snprintf(why, n,
			 "%s has no model loaded: the first request would time "
			 "its just-in-time load of \"%s\", and another may "
			 "load a second "
			 "copy; load it first (lms load, or gen --load)",
			 kind, c->model_id ? c->model_id : "");
		return 1;
	}
	if (lms && s->n_loaded == 1 && c->model_id && !s->instance[0]) {
		snprintf(
		    why, n,
		    "%s has loaded \"%s\", not \"%s\" (asked for by its id, "
		    "its key or key@quantization); a request for it would load "
		    "another model: pass --model-id %s, or load the one asked "
		    "for",
		    kind, s->loaded, c->model_id, s->loaded);
		return 1;
	}
	/* llmsim's default model has quantization "none": not a claim */
	if (c->quant && *c->quant && s->quant[0] &&
	    strcasecmp(s->quant, "none") != 0 &&
	    !ident_quant_eq(c->quant, s->quant)) {
		snprintf(why, n,
			 "the run says quant=%s, but %s reports %s for \"%s\"; "
			 "load the one the run names, or correct its label",
			 c->quant, kind, s->quant, s->model);
		return 1;
	}
	if (c->backend && *c->backend && s->backend[0] &&
	    backend_differs(c->backend, s->backend)) {
		snprintf(why, n,
			 "the run says backend=%s, but %s reports format %s "
			 "for \"%s\"",
			 c->backend, kind, s->backend, s->model);
		return 1;
	}
	if (c->ctx > 0 && s->ctx_loaded && s->ctx > 0 && s->ctx != c->ctx) {
		snprintf(
		    why, n,
		    "the run says ctx=%ld, but %s has \"%s\" loaded with a "
		    "context of %ld tokens; load it with the context named "
		    "(lms load "
		    "--context-length, llama-server -c), or correct the label",
		    c->ctx, kind, s->model, s->ctx);
		return 1;
	}
	return 0;
}

/* mdmoe: the MoE section (mdmoe.h). */
#include "mdmoe.h"

#include <math.h>

#include "md.h"

/* A step's columns: pass, domain, the page cache's and the mappings'
 * shares before and after and their growth, decode speed. */
static const struct rd_moe_step *step(const struct md_at *at)
{
	return at->row;
}
static void c_pass(const struct md_at *at)
{
	md_out(at->w, "%d%s", step(at)->pass,
	       step(at)->pass == 1 ? " (cold)" : "");
}
static void c_domain(const struct md_at *at)
{
	md_cell(at->w, step(at)->domain, 40);
}
static void c_pc1(const struct md_at *at)
{
	md_pct(at->w, step(at)->pc1);
}
static void c_pc_growth(const struct md_at *at)
{
	if (isfinite(step(at)->pc_growth))
		md_out(at->w, "%+.1f", step(at)->pc_growth * 100);
	else
		md_out(at->w, "—");
}
static void c_map1(const struct md_at *at)
{
	md_pct(at->w, step(at)->map1);
}
static void c_map_growth(const struct md_at *at)
{
	if (isfinite(step(at)->map_growth))
		md_out(at->w, "%+.1f", step(at)->map_growth * 100);
	else
		md_out(at->w, "—");
}
static void c_decode(const struct md_at *at)
{
	md_num(at->w, step(at)->decode.v, 1);
	md_out(at->w, " (n %zu)", step(at)->decode.n);
}
static int mapped_shown(const struct md_at *at)
{
	const struct rd_moe *m = at->ctx;

	return m->mapped;
}

static const struct md_col moe_cols[] = {
    {.title = "pass", .align = MD_LEFT, .cell = c_pass},
    {.title = "domain", .align = MD_LEFT, .cell = c_domain},
    {.title = "page cache after", .align = MD_RIGHT, .cell = c_pc1},
    {.title = "its growth (pp)", .align = MD_RIGHT, .cell = c_pc_growth},
    {.title = "server's mappings after",
     .align = MD_RIGHT,
     .cell = c_map1,
     .shown = mapped_shown},
    {.title = "their growth (pp)",
     .align = MD_RIGHT,
     .cell = c_map_growth,
     .shown = mapped_shown},
    {.title = "decode t/s", .align = MD_RIGHT, .cell = c_decode},
};

/* One study: what it found in a sentence, then a row per domain. */
static void study(jw *w, const struct rd_group *g, const struct rd_moe *m)
{
	const struct md_table t = MD_TABLE(moe_cols, m);

	md_out(w, "### ");
	md_cell(w, g->key, 120);
	md_out(w, "\n\nAfter the first pass %s held ",
	       m->mapped ? "the server's mappings" : "the page cache");
	md_pct(w, m->first);
	md_out(w, " of the model file");
	if (isfinite(m->later)) {
		md_out(w, "; a later pass grew it by at most ");
		md_out(w, "%.1f percentage points", m->later * 100);
		md_out(w, m->later <= 0.001 ? ": nothing new was touched"
					    : ": new weights were touched");
	}
	md_out(w, ".\n\n");
	md_table_head(w, &t);
	for (int i = 0; i < m->n; i++)
		md_table_row(w, &t, &m->s[i]);
	md_out(w, "\n");
}

void mdmoe_section(jw *md, const struct rd_set *s)
{
	int g, k, any = 0;

	for (g = 0; g < s->ng; g++)
		for (k = 0; k < s->g[g].nmoe; k++) {
			if (!any++)
				md_out(md,
				       "## MoE: weights touched by domain\n\n"
				       "A mixture-of-experts model's prompts "
				       "by domain, in order, from a cold "
				       "start, then again (make moe): after "
				       "each domain, the share of the model "
				       "file in the page cache and, where "
				       "measured, in the server's own "
				       "mappings (the page cache's also "
				       "holds what the kernel read ahead "
				       "around each fault), and the "
				       "domain's decode speed. It means "
				       "nothing where the server reads the "
				       "whole file at load (MLX, --no-mmap) "
				       "and the file was not paged out after "
				       "(docs/metrics.md).\n\n");
			study(md, &s->g[g], &s->g[g].moe[k]);
		}
}

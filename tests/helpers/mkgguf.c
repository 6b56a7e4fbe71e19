/* mkgguf: writes a random-weight GGUF model (f16) that llama.cpp loads and
 * serves, for testing tokbench against a real llama-server.
 *   mkgguf [-a llama|qwen3moe] [-l layers] [-e embd] [-f ff] [-H heads]
 *          [-k kv_heads] [-v vocab] [-x experts] [-u experts_used]
 *          [-c context] [-b eos_bias] [-s seed] [-n name] -o out.gguf
 * The same options give the same bytes.  The layout (GGUF version 3, the
 * keys, tensor names and shapes) is what llama.cpp's src/llama-arch.cpp,
 * llama-model.cpp, models/llama.cpp, models/qwen3moe.cpp and
 * llama-vocab.cpp read at release v0.5.0; nothing of it is copied.
 *
 * The vocabulary is byte-level BPE ("gpt2") of printable pieces only: the
 * printable ASCII characters, space and newline, the prefixes of common
 * English words (with their merges, so prose tokenizes into words) and
 * made-up syllable words; then the chat template's special tokens.  Every
 * token a model can sample decodes to printable text, so each generated
 * token is one streamed chunk.  Input bytes outside the vocabulary are
 * dropped by llama.cpp's tokenizer.
 *
 * The weights are uniform noise, small enough that each layer adds little
 * to the residual stream: the next token is a random function of the
 * current one.  Embedding dimension 0 is held at 1 in every token and no
 * layer writes to it, so column 0 of the output matrix acts as a bias per
 * token: the control tokens get -30 (never sampled) and the end-of-turn
 * token eos_bias (natural stops after some tens of tokens).
 * Prints one JSON line: the architecture, the number of tensors, of
 * parameters and of bytes written, the vocabulary and merges. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

#define GGUF_ALIGN 32
enum { T_U32 = 4, T_I32 = 5, T_F32 = 6, T_BOOL = 7, T_STR = 8, T_ARR = 9 };
enum { G_F32 = 0, G_F16 = 1 };
enum { TOK_NORMAL = 1, TOK_CONTROL = 3 };

/* How a tensor's values are made. */
enum fill {
	F_ONES,	 /* norm weights */
	F_NOISE, /* uniform noise of the given std */
	F_EMBD,	 /* noise, column 0 = 1: the bias channel */
	F_OUT,	 /* noise, column 0 = the token's bias */
	F_WRITE	 /* noise, row 0 of each matrix zero: never writes channel 0 */
};

struct tensor {
	char name[64];
	int ndim, type;
	int64_t ne[3];
	enum fill fill;
	float std;
	uint64_t offset;
};

static struct {
	const char *arch, *out, *name;
	long long layers, embd, ff, heads, kv, vocab, experts, used, ctx;
	long long seed;
	double eos_bias;
} O = {"llama", NULL, NULL, 2, 256, 512, 4, 2, 2048, 0, 0, 32768, 1, 3.0};

static void die(const char *what)
{
	fprintf(stderr, "mkgguf: %s\n", what);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = calloc(1, n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

/* ---- random numbers: splitmix64, uniform floats without libm ---------- */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [-1, 1), exactly representable: the same on every machine. */
static float uni(uint64_t *s)
{
	return (float)(rnd(s) >> 40) * (2.0f / 16777216.0f) - 1.0f;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/* IEEE half from float, rounding to nearest even, subnormals kept. */
static uint16_t half(float f)
{
	uint32_t x, sign, mant, h, rem, mid, shift;
	int32_t e;

	memcpy(&x, &f, sizeof x);
	sign = (x >> 16) & 0x8000;
	mant = x & 0x7fffff;
	e = (int32_t)((x >> 23) & 0xff) - 127 + 15;
	if (((x >> 23) & 0xff) == 0xff)
		return (uint16_t)(sign | 0x7c00 | (mant ? 0x200 : 0));
	if (e >= 31)
		return (uint16_t)(sign | 0x7c00);
	if (e <= 0) {
		if (e < -10)
			return (uint16_t)sign;
		mant |= 0x800000;
		shift = (uint32_t)(14 - e);
		h = mant >> shift;
		rem = mant & ((1u << shift) - 1);
		mid = 1u << (shift - 1);
	} else {
		h = ((uint32_t)e << 10) | (mant >> 13);
		rem = mant & 0x1fff;
		mid = 0x1000;
	}
	if (rem > mid || (rem == mid && (h & 1)))
		h++; /* a carry into the exponent is still right */
	return (uint16_t)(sign | h);
}

/* ---- the vocabulary ------------------------------------------------------ */

static const char *const words[] = {
    "the",	"of",	  "and",      "to",	"in",	  "is",	    "it",
    "you",	"that",	  "he",	      "was",	"for",	  "on",	    "are",
    "with",	"as",	  "his",      "they",	"be",	  "at",	    "one",
    "have",	"this",	  "from",     "or",	"had",	  "by",	    "word",
    "but",	"what",	  "some",     "we",	"can",	  "out",    "other",
    "were",	"all",	  "there",    "when",	"up",	  "use",    "your",
    "how",	"said",	  "an",	      "each",	"she",	  "which",  "do",
    "their",	"time",	  "if",	      "will",	"way",	  "about",  "many",
    "then",	"them",	  "write",    "would",	"like",	  "so",	    "these",
    "her",	"long",	  "make",     "thing",	"see",	  "him",    "two",
    "has",	"look",	  "more",     "day",	"could",  "go",	    "come",
    "did",	"number", "sound",    "no",	"most",	  "people", "my",
    "over",	"know",	  "water",    "than",	"call",	  "first",  "who",
    "may",	"down",	  "side",     "been",	"now",	  "find",   "text",
    "answer",	"count",  "three",    "four",	"five",	  "six",    "seven",
    "eight",	"nine",	  "ten",      "twenty", "thirty", "forty",  "summarise",
    "sentence", "above",  "think",    "step",	"line",	  "cost",   "ball",
    "bat",	"dollar", "together", "much",	"does",	  "words",  "number",
    "per",	"model",  "token",    "server",
};

/* ChatML for qwen3moe, Llama 3's headers for llama; the first special is
 * the end of turn (EOS), then the others. */
static const char *const qwen_special[] = {"<|im_end|>", "<|endoftext|>",
					   "<|im_start|>", NULL};
static const char *const llama_special[] = {
    "<|eot_id|>",	   "<|begin_of_text|>", "<|end_of_text|>",
    "<|start_header_id|>", "<|end_header_id|>", NULL};
static const char qwen_template[] =
    "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + "
    "'\\n' + message['content'] + '<|im_end|>' + '\\n' }}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}"
    "{%- endif %}";
static const char llama_template[] =
    "{%- for message in messages %}{{- '<|start_header_id|>' + "
    "message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | "
    "trim + '<|eot_id|>' }}{%- endfor %}{%- if add_generation_prompt %}"
    "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{%- endif %}";

struct vocab {
	char **tok;
	int *type;
	int n, cap;
	char **merge;
	int nmerge;
	const char **set; /* open addressing over tok, for uniqueness */
	size_t setcap;
	int eos, bos;
};

static int find(const struct vocab *v, const char *s, size_t *slot)
{
	size_t i = hash(s) & (v->setcap - 1);

	while (v->set[i] != NULL && strcmp(v->set[i], s) != 0)
		i = (i + 1) & (v->setcap - 1);
	*slot = i;
	return v->set[i] != NULL;
}

/* Adds s unless it is there; 1 if added. */
static int add(struct vocab *v, const char *s, int type)
{
	size_t slot;

	if (find(v, s, &slot))
		return 0;
	if (v->n == v->cap)
		die("the vocabulary is too small for its fixed pieces (raise "
		    "-v)");
	v->tok[v->n] = strdup(s);
	if (v->tok[v->n] == NULL)
		die("out of memory");
	v->type[v->n] = type;
	v->set[slot] = v->tok[v->n];
	v->n++;
	return 1;
}

/* A word's prefixes as tokens, each the merge of the one before and the
 * next letter; with_space puts GPT-2's space symbol (U+0120) in front. */
static void add_word(struct vocab *v, const char *w, int with_space)
{
	char prev[64], cur[64], m[160];
	size_t n = 0, i;

	if (with_space) {
		memcpy(prev, "\xc4\xa0", 3);
		n = 2;
		i = 0;
	} else {
		prev[0] = w[0];
		prev[1] = '\0';
		n = 1;
		i = 1;
	}
	for (; w[i] != '\0' && n + 2 < sizeof cur; i++) {
		memcpy(cur, prev, n);
		cur[n] = w[i];
		cur[n + 1] = '\0';
		if (add(v, cur, TOK_NORMAL)) {
			snprintf(m, sizeof m, "%s %c", prev, w[i]);
			v->merge[v->nmerge] = strdup(m);
			if (v->merge[v->nmerge++] == NULL)
				die("out of memory");
		}
		memcpy(prev, cur, n + 2);
		n++;
	}
}

/* Made-up words of two or three syllables, some after a space. */
static void add_fillers(struct vocab *v, int room, uint64_t *rs)
{
	static const char c[] = "bcdfghjklmnprstvwz", vw[] = "aeiou";
	char s[32];
	size_t n;
	int k, syl;

	while (v->n < room) {
		n = 0;
		if (rnd(rs) % 5 < 3) {
			memcpy(s, "\xc4\xa0", 2);
			n = 2;
		}
		syl = 2 + (int)(rnd(rs) % 2);
		for (k = 0; k < syl; k++) {
			s[n++] = c[rnd(rs) % (sizeof c - 1)];
			s[n++] = vw[rnd(rs) % (sizeof vw - 1)];
		}
		s[n] = '\0';
		add(v, s, TOK_NORMAL);
	}
}

static void build_vocab(struct vocab *v, const char *const *special)
{
	uint64_t rs = (uint64_t)O.seed ^ hash("vocab");
	char s[2] = {0, 0};
	int i, nspecial = 0;

	v->cap = (int)O.vocab;
	v->tok = xmalloc(sizeof *v->tok * (size_t)v->cap);
	v->type = xmalloc(sizeof *v->type * (size_t)v->cap);
	v->merge = xmalloc(sizeof *v->merge * (size_t)v->cap);
	for (v->setcap = 64; v->setcap < 2 * (size_t)v->cap; v->setcap *= 2)
		;
	v->set = xmalloc(sizeof *v->set * v->setcap);
	for (i = 33; i < 127; i++) {
		s[0] = (char)i;
		add(v, s, TOK_NORMAL);
	}
	add(v, "\xc4\xa0", TOK_NORMAL); /* space */
	add(v, "\xc4\x8a", TOK_NORMAL); /* newline */
	for (i = 0; i < (int)(sizeof words / sizeof words[0]); i++) {
		add_word(v, words[i], 0);
		add_word(v, words[i], 1);
	}
	while (special[nspecial] != NULL)
		nspecial++;
	add_fillers(v, v->cap - nspecial, &rs);
	v->eos = v->n;
	for (i = 0; i < nspecial; i++)
		add(v, special[i], TOK_CONTROL);
	v->bos = strcmp(special[1], "<|begin_of_text|>") == 0 ? v->eos + 1 : -1;
}

/* ---- GGUF ---------------------------------------------------------------- */

static FILE *out; /* NULL: only count what would be written */
static uint64_t written, nkv;

static void put(const void *p, size_t n)
{
	if (out != NULL && fwrite(p, 1, n, out) != n)
		die(strerror(errno));
	written += n;
}

static void put_u32(uint32_t x)
{
	put(&x, sizeof x);
}
static void put_u64(uint64_t x)
{
	put(&x, sizeof x);
}

static void put_str(const char *s)
{
	put_u64(strlen(s));
	put(s, strlen(s));
}

/* Every key-value pair starts with its key. */
static void put_key(const char *k)
{
	nkv++;
	put_str(k);
}

static void kv_u32(const char *k, uint32_t x)
{
	put_key(k);
	put_u32(T_U32);
	put_u32(x);
}

static void kv_f32(const char *k, float x)
{
	put_key(k);
	put_u32(T_F32);
	put(&x, sizeof x);
}

static void kv_bool(const char *k, int b)
{
	unsigned char c = (unsigned char)(b != 0);

	put_key(k);
	put_u32(T_BOOL);
	put(&c, 1);
}

static void kv_str(const char *k, const char *s)
{
	put_key(k);
	put_u32(T_STR);
	put_str(s);
}

static void kv_strs(const char *k, char *const *s, int n)
{
	int i;

	put_key(k);
	put_u32(T_ARR);
	put_u32(T_STR);
	put_u64((uint64_t)n);
	for (i = 0; i < n; i++)
		put_str(s[i]);
}

static void kv_i32s(const char *k, const int *x, int n)
{
	put_key(k);
	put_u32(T_ARR);
	put_u32(T_I32);
	put_u64((uint64_t)n);
	put(x, sizeof *x * (size_t)n);
}

/* arch.key, for the architecture's own keys. */
static const char *ak(const char *key)
{
	static char buf[128];

	snprintf(buf, sizeof buf, "%s.%s", O.arch, key);
	return buf;
}

static int moe(void)
{
	return strcmp(O.arch, "qwen3moe") == 0;
}

static void kv_all(const struct vocab *v)
{
	int moe_ = moe();
	long long hd = O.embd / O.heads;

	kv_str("general.architecture", O.arch);
	kv_str("general.name", O.name ? O.name : O.arch);
	kv_u32("general.file_type", 1); /* mostly f16 */
	kv_u32(ak("context_length"), (uint32_t)O.ctx);
	kv_u32(ak("embedding_length"), (uint32_t)O.embd);
	kv_u32(ak("block_count"), (uint32_t)O.layers);
	kv_u32(ak("feed_forward_length"), (uint32_t)O.ff);
	kv_u32(ak("attention.head_count"), (uint32_t)O.heads);
	kv_u32(ak("attention.head_count_kv"), (uint32_t)O.kv);
	kv_u32(ak("attention.key_length"), (uint32_t)hd);
	kv_u32(ak("attention.value_length"), (uint32_t)hd);
	kv_f32(ak("attention.layer_norm_rms_epsilon"), 1e-6f);
	kv_f32(ak("rope.freq_base"), moe_ ? 1000000.0f : 500000.0f);
	kv_str("tokenizer.ggml.model", "gpt2");
	kv_str("tokenizer.ggml.pre", moe_ ? "qwen2" : "llama-bpe");
	kv_strs("tokenizer.ggml.tokens", v->tok, v->n);
	kv_i32s("tokenizer.ggml.token_type", v->type, v->n);
	kv_strs("tokenizer.ggml.merges", v->merge, v->nmerge);
	kv_u32("tokenizer.ggml.eos_token_id", (uint32_t)v->eos);
	kv_str("tokenizer.chat_template",
	       moe_ ? qwen_template : llama_template);
	if (v->bos >= 0) {
		kv_u32("tokenizer.ggml.bos_token_id", (uint32_t)v->bos);
		kv_bool("tokenizer.ggml.add_bos_token", 1);
	} else {
		kv_bool("tokenizer.ggml.add_bos_token", 0);
	}
	if (moe_) {
		kv_u32(ak("expert_count"), (uint32_t)O.experts);
		kv_u32(ak("expert_used_count"), (uint32_t)O.used);
		kv_u32(ak("expert_feed_forward_length"), (uint32_t)O.ff);
	}
}

/* ---- tensors ---------------------------------------------------------------
 */

static struct tensor *T;
static int nt, tcap;

static void t_add(const char *name, int ndim, int64_t a, int64_t b, int64_t c,
		  enum fill fill, float std, int type)
{
	struct tensor *t;

	if (nt == tcap) {
		tcap = tcap ? 2 * tcap : 64;
		T = realloc(T, sizeof *T * (size_t)tcap);
		if (T == NULL)
			die("out of memory");
	}
	t = &T[nt++];
	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "%s", name);
	t->ndim = ndim;
	t->ne[0] = a;
	t->ne[1] = b;
	t->ne[2] = c;
	t->fill = fill;
	t->std = std;
	t->type = type;
}

static uint64_t t_bytes(const struct tensor *t)
{
	return (uint64_t)(t->ne[0] * t->ne[1] * t->ne[2]) *
	       (t->type == G_F32 ? 4u : 2u);
}

/* Layer i's tensors; each matrix's noise is small (std 0.02), so that the
 * residual stream stays near the current token's embedding. */
static void layer_tensors(int i)
{
	char n[64];
	int64_t e = O.embd, hd = O.embd / O.heads, q = hd * O.heads;
	int64_t kv = hd * O.kv, ff = O.ff, x = O.experts;
	const float s = 0.02f;

#define NAME(part) (snprintf(n, sizeof n, "blk.%d." part ".weight", i), n)
	t_add(NAME("attn_norm"), 1, e, 1, 1, F_ONES, 0, G_F32);
	t_add(NAME("attn_q"), 2, e, q, 1, F_NOISE, s, G_F16);
	t_add(NAME("attn_k"), 2, e, kv, 1, F_NOISE, s, G_F16);
	t_add(NAME("attn_v"), 2, e, kv, 1, F_NOISE, s, G_F16);
	t_add(NAME("attn_output"), 2, q, e, 1, F_WRITE, s, G_F16);
	t_add(NAME("ffn_norm"), 1, e, 1, 1, F_ONES, 0, G_F32);
	if (!moe()) {
		t_add(NAME("ffn_gate"), 2, e, ff, 1, F_NOISE, s, G_F16);
		t_add(NAME("ffn_up"), 2, e, ff, 1, F_NOISE, s, G_F16);
		t_add(NAME("ffn_down"), 2, ff, e, 1, F_WRITE, s, G_F16);
		return;
	}
	t_add(NAME("attn_q_norm"), 1, hd, 1, 1, F_ONES, 0, G_F32);
	t_add(NAME("attn_k_norm"), 1, hd, 1, 1, F_ONES, 0, G_F32);
	/* the router: large enough that tokens go to different experts */
	t_add(NAME("ffn_gate_inp"), 2, e, x, 1, F_NOISE, 1.0f, G_F32);
	t_add(NAME("ffn_gate_exps"), 3, e, ff, x, F_NOISE, s, G_F16);
	t_add(NAME("ffn_up_exps"), 3, e, ff, x, F_NOISE, s, G_F16);
	t_add(NAME("ffn_down_exps"), 3, ff, e, x, F_WRITE, s, G_F16);
#undef NAME
}

static void all_tensors(void)
{
	int i;

	t_add("token_embd.weight", 2, O.embd, O.vocab, 1, F_EMBD, 1.0f, G_F16);
	for (i = 0; i < O.layers; i++)
		layer_tensors(i);
	t_add("output_norm.weight", 1, O.embd, 1, 1, F_ONES, 0, G_F32);
	/* logits of std 2 over the vocabulary: a handful of likely tokens */
	t_add("output.weight", 2, O.embd, O.vocab, 1, F_OUT,
	      (float)(2.0 / sqrt((double)O.embd)), G_F16);
}

static float bias(const struct vocab *v, int64_t tok)
{
	if (tok == v->eos)
		return (float)O.eos_bias;
	return v->type[tok] == TOK_CONTROL ? -30.0f : 0.0f;
}

static void pad_to_align(void)
{
	static const char zero[GGUF_ALIGN];

	put(zero, (GGUF_ALIGN - written % GGUF_ALIGN) % GGUF_ALIGN);
}

/* One tensor's values, row by row, from its own stream of numbers. */
static void write_tensor(const struct tensor *t, const struct vocab *v)
{
	uint64_t rs = (uint64_t)O.seed ^ hash(t->name);
	int64_t rows = t->ne[1] * t->ne[2], n0 = t->ne[0], r, i;
	float *f = xmalloc(sizeof *f * (size_t)n0);
	uint16_t *h = xmalloc(sizeof *h * (size_t)n0);
	const float amp = t->std * 1.7320508f; /* uniform: std * sqrt(3) */

	for (r = 0; r < rows; r++) {
		for (i = 0; i < n0; i++)
			f[i] = t->fill == F_ONES ? 1.0f : amp * uni(&rs);
		if (t->fill == F_EMBD)
			f[0] = 1.0f;
		else if (t->fill == F_OUT)
			f[0] = bias(v, r);
		else if (t->fill == F_WRITE && r % t->ne[1] == 0)
			memset(f, 0, sizeof *f * (size_t)n0);
		if (t->type == G_F32) {
			put(f, sizeof *f * (size_t)n0);
			continue;
		}
		for (i = 0; i < n0; i++)
			h[i] = half(f[i]);
		put(h, sizeof *h * (size_t)n0);
	}
	free(f);
	free(h);
	pad_to_align();
}

/* The header: magic, version, counts, key-value pairs, tensor infos. */
static void write_header(const struct vocab *v, uint64_t n_kv)
{
	uint64_t off = 0;
	int i, d;

	put("GGUF", 4);
	put_u32(3);
	put_u64((uint64_t)nt);
	put_u64(n_kv);
	kv_all(v);
	for (i = 0; i < nt; i++) {
		T[i].offset = off;
		put_str(T[i].name);
		put_u32((uint32_t)T[i].ndim);
		for (d = 0; d < T[i].ndim; d++)
			put_u64((uint64_t)T[i].ne[d]);
		put_u32((uint32_t)T[i].type);
		put_u64(off);
		off +=
		    (t_bytes(&T[i]) + GGUF_ALIGN - 1) / GGUF_ALIGN * GGUF_ALIGN;
	}
	pad_to_align();
}

static void write_model(const struct vocab *v, const char *path)
{
	char tmp[4096];
	uint64_t n_kv;
	int i;

	out = NULL; /* counting: the number of key-value pairs */
	nkv = 0;
	written = 0;
	write_header(v, 0);
	n_kv = nkv;
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		die("the output path is too long");
	out = fopen(tmp, "wb");
	if (out == NULL)
		die(strerror(errno));
	written = 0;
	write_header(v, n_kv);
	for (i = 0; i < nt; i++)
		write_tensor(&T[i], v);
	if (fclose(out) != 0 || rename(tmp, path) != 0) {
		remove(tmp);
		die(strerror(errno));
	}
	out = NULL;
}

/* ---- main -----------------------------------------------------------------
 */

static void usage(void)
{
	fputs("usage: mkgguf [-a llama|qwen3moe] [-l layers] [-e embd] [-f ff] "
	      "[-H heads]\n"
	      "              [-k kv_heads] [-v vocab] [-x experts] "
	      "[-u experts_used]\n"
	      "              [-c context] [-b eos_bias] [-s seed] [-n name] "
	      "-o out.gguf\n",
	      stderr);
	exit(2);
}

static long long num(const char *s, const char *opt, long long min,
		     long long max)
{
	long long v;

	if (units_int(s, min, max, &v) != UNITS_OK) {
		fprintf(stderr,
			"mkgguf: %s %s: not a whole number in [%lld, %lld]\n",
			opt, s, min, max);
		exit(2);
	}
	return v;
}

static void parse(int argc, char **argv)
{
	int c;

	while ((c = getopt(argc, argv, "a:l:e:f:H:k:v:x:u:c:b:s:n:o:h")) !=
	       -1) {
		switch (c) {
		case 'a': O.arch = optarg; break;
		case 'l': O.layers = num(optarg, "-l", 1, 512); break;
		case 'e': O.embd = num(optarg, "-e", 32, 65536); break;
		case 'f': O.ff = num(optarg, "-f", 32, 1 << 20); break;
		case 'H': O.heads = num(optarg, "-H", 1, 1024); break;
		case 'k': O.kv = num(optarg, "-k", 1, 1024); break;
		case 'v': O.vocab = num(optarg, "-v", 512, 1 << 20); break;
		case 'x': O.experts = num(optarg, "-x", 1, 512); break;
		case 'u': O.used = num(optarg, "-u", 1, 512); break;
		case 'c': O.ctx = num(optarg, "-c", 64, 1 << 24); break;
		case 'b':
			if (units_real(optarg, -100, 100, &O.eos_bias) !=
			    UNITS_OK)
				usage();
			break;
		case 's': O.seed = num(optarg, "-s", 0, INT64_MAX); break;
		case 'n': O.name = optarg; break;
		case 'o': O.out = optarg; break;
		default: usage();
		}
	}
	if (optind != argc || O.out == NULL)
		usage();
}

/* The shapes llama.cpp accepts: whole heads, whole groups of them, even
 * head sizes (RoPE turns pairs), experts for the MoE architecture only. */
static void check(void)
{
	const char *bad = NULL;

	if (strcmp(O.arch, "llama") != 0 && !moe())
		bad = "-a: llama or qwen3moe";
	else if (O.embd % O.heads != 0 || (O.embd / O.heads) % 2 != 0)
		bad = "-e must be an even multiple of -H";
	else if (O.heads % O.kv != 0)
		bad = "-H must be a multiple of -k";
	else if (moe() && (O.experts == 0 || O.used == 0 || O.used > O.experts))
		bad = "qwen3moe needs -x experts and -u used (at most -x)";
	else if (!moe() && (O.experts != 0 || O.used != 0))
		bad = "-x and -u are for qwen3moe";
	if (bad != NULL) {
		fprintf(stderr, "mkgguf: %s\n", bad);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	struct vocab v;
	uint64_t params = 0;
	int i;

	parse(argc, argv);
	check();
	memset(&v, 0, sizeof v);
	build_vocab(&v, moe() ? qwen_special : llama_special);
	all_tensors();
	write_model(&v, O.out);
	for (i = 0; i < nt; i++)
		params += (uint64_t)(T[i].ne[0] * T[i].ne[1] * T[i].ne[2]);
	printf("{\"arch\":\"%s\",\"tensors\":%d,\"params\":%llu,\"bytes\":%llu,"
	       "\"vocab\":%d,\"merges\":%d}\n",
	       O.arch, nt, (unsigned long long)params,
	       (unsigned long long)written, v.n, v.nmerge);
	return fclose(stdout) == 0 ? 0 : 1;
}

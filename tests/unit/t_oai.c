/* Unit tests of src/gen/oai: every chunk shape tokbench meets. */
#include "tap.h"
#include "oai.h"

#include <stdlib.h>

#include "fileio.h"

static struct oai_chunk c;

static void dec(const char *s)
{
	oai_clear(&c);
	oai_decode(s, strlen(s), &c);
}

static void test_role_and_content(void)
{
	dec("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
	    "\"content\":null},\"finish_reason\":null}]}");
	CHECK_INT(c.kind, OAI_CHUNK);
	CHECK_INT(c.role_only, 1); /* llama-server's content:null */
	CHECK(c.content == NULL);
	dec("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}"
	    "}]}");
	CHECK_INT(c.role_only, 1); /* LM Studio, vLLM: content "" */
	dec("{\"choices\":[{\"delta\":{\"content\":\"量子\"}}]}");
	CHECK_INT(c.role_only, 0);
	CHECK_INT(c.content_len, 6);
	CHECK_STR(c.content, "量子");
	dec("{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	    "\"Hi\"}}]}");
	CHECK_INT(c.role_only, 0); /* a role with text is a token */
	CHECK_INT(c.content_len, 2);
}

static void test_reasoning_variants(void)
{
	dec("{\"choices\":[{\"delta\":{\"reasoning_content\":\"think\"}}]}");
	CHECK_INT(c.reasoning_len, 5);
	CHECK(c.content == NULL);
	dec("{\"choices\":[{\"delta\":{\"reasoning\":\"hmm\",\"content\":null}}"
	    "]}");
	CHECK_INT(c.reasoning_len, 3);
}

static void test_tools_finish_usage(void)
{
	dec("{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,"
	    "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":\"}}]}}]"
	    "}");
	CHECK_INT(c.has_tool, 1);
	CHECK_INT(c.tool_len, 5);
	dec("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":"
	    "\"length\"}],"
	    "\"timings\":{\"predicted_n\":12}}");
	CHECK_STR(c.finish, "length");
	CHECK(c.timings != NULL);
	CHECK_INT(c.content_len, 0);
	dec("{\"choices\":[],\"usage\":{\"completion_tokens\":16}}");
	CHECK_INT(c.kind, OAI_CHUNK);
	CHECK(c.usage != NULL);
	CHECK(c.finish == NULL);
	dec("{\"choices\":[{\"text\":\" the\",\"finish_reason\":null}]}");
	CHECK_STR(c.content, " the"); /* completions API */
	dec("{\"choices\":[{\"delta\":{}}],\"stats\":{\"tokens_per_second\":3}"
	    "}");
	CHECK(c.stats != NULL);
}

static void test_done_error_bad(void)
{
	dec("[DONE]");
	CHECK_INT(c.kind, OAI_DONE);
	dec("{\"error\":{\"code\":500,\"message\":\"boom\"}}");
	CHECK_INT(c.kind, OAI_ERROR);
	CHECK_STR(c.error, "boom");
	dec("{\"error\":\"plain\"}");
	CHECK_STR(c.error, "plain");
	dec("{\"choices\":[{\"delta\":{\"content\":\"bro");
	CHECK_INT(c.kind, OAI_BAD);
	dec("{\"object\":\"something else\"}");
	CHECK_INT(c.kind, OAI_BAD);
	dec("[1,2]");
	CHECK_INT(c.kind, OAI_BAD);
	dec("");
	CHECK_INT(c.kind, OAI_BAD);
	oai_clear(&c);
}

static void test_error_message(void)
{
	char buf[64];
	const char *b1 =
	    "{\"error\":{\"code\":500,\"message\":\"parse error\"}}";
	const char *b2 = "{\"error\":\"model not found\"}";
	const char *b3 = "<html>502</html>";

	CHECK_STR(oai_error_message(b1, strlen(b1), buf, sizeof buf),
		  "parse error");
	CHECK_STR(oai_error_message(b2, strlen(b2), buf, sizeof buf),
		  "model not found");
	CHECK(oai_error_message(b3, strlen(b3), buf, sizeof buf) == NULL);
}

/* ---- oai_decode_lean against oai_decode ------------------------------- */

static int lean_took; /* payloads the one-pass scanner read itself */

/* Both decoders give the same chunk: every field gen reads from it. */
static int same_chunk(const char *s, size_t n)
{
	struct oai_chunk a, b;
	int ok;

	oai_decode(s, n, &a);
	oai_decode_lean(s, n, &b);
	ok = oai_same(&a, &b);
	lean_took += b.root == NULL && b.kind == OAI_CHUNK;
	if (getenv("T_OAI_SHOW"))
		fprintf(stderr, "# %s %.*s\n",
			b.root == NULL && b.kind == OAI_CHUNK ? "lean" : "tree",
			(int)n, s);
	oai_clear(&a);
	oai_clear(&b);
	if (!ok)
		fprintf(stderr, "# differ: %.*s\n", (int)n, s);
	return ok;
}

/* ---- oai_decode_memo against oai_decode -------------------------------- */

static int memo_hits; /* payloads the kept chunk served */

/* With the chunk of prev kept, s reads as the tree reads it. */
static int same_memo(const char *prev, size_t pn, const char *s, size_t n)
{
	struct oai_memo m;
	struct oai_chunk a, b;
	int ok, hit;

	memset(&m, 0, sizeof m);
	oai_decode_memo(&m, prev, pn, &a);
	oai_clear(&a);
	oai_decode(s, n, &a);
	hit = oai_decode_memo(&m, s, n, &b);
	memo_hits += hit;
	ok = oai_same(&a, &b);
	oai_clear(&a);
	oai_clear(&b);
	if (!ok)
		fprintf(stderr, "# differ (%s): %.*s\n#   after %.*s\n",
			hit ? "kept" : "read", (int)n, s, (int)pn, prev);
	return ok;
}

/* The data payloads of a captured SSE stream, each checked, then each
 * cut short at every length and with each byte changed in turn to a few
 * others that matter to JSON: both decoders must still agree. */
static void check_stream(const char *path)
{
	size_t n, bad = 0, payloads = 0;
	char *s = fileio_slurp(path, 1 << 22, &n);
	char *line, *save = NULL, prev[4096];
	size_t prev_n = 0;

	if (s == NULL) {
		CHECK(!"fixture readable");
		return;
	}
	for (line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		static const char subst[] = "\"\\{}[],: 0n\x01\xc3";
		char m[4096];
		size_t len;
		if (strncmp(line, "data: ", 6) != 0)
			continue;
		line += 6;
		len = strcspn(line, "\r");
		if (len >= sizeof m)
			continue;
		payloads++;
		bad += !same_chunk(line, len);
		/* in the stream's order, the one before kept; then every
		 * change below with this one kept */
		bad += !same_memo(prev, prev_n, line, len);
		memcpy(prev, line, len);
		prev_n = len;
		for (size_t cut = 0; cut < len; cut++)
			bad += !same_chunk(line, cut) +
			       !same_memo(line, len, line, cut);
		for (size_t i = 0; i < len; i++) {
			for (size_t k = 0; k < sizeof subst - 1; k++) {
				memcpy(m, line, len);
				m[i] = subst[k];
				bad += !same_chunk(m, len) +
				       !same_memo(line, len, m, len);
			}
		}
	}
	CHECK(payloads > 0);
	CHECK_INT(bad, 0);
	free(s);
}

static void test_lean_same_as_tree(void)
{
	static const char *const cases[] = {
	    "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
	    "\"content\":null},\"finish_reason\":null}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"a\\nb\\t\\\"c\\\\d\\/"
	    "\"}}]}",
	    /* \u escapes: BMP, a surrogate pair, a lone or reversed
	     * surrogate, \u0000 and bad hex (cJSON reads it as NUL) */
	    "{\"choices\":[{\"delta\":{\"content\":\"\\u91cf\\u5b50\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d\\ude00!\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"\\ud83d!\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"\\ude00\\ud83d\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"a\\uZZZZb\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"a\\qb\"}}]}",
	    /* a lone surrogate where the scanner skips: cJSON fails the
	     * whole payload, so must the scanner decline */
	    "{\"choices\":[],\"x\":\"\\ud800\"}",
	    "{\"choices\":[],\"x\\udc00\":1}",
	    "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"y\":"
	    "[\"\\ud83d\\ude00\"]}]}",
	    /* faults a client's schema would reject */
	    "{\"choices\":[{\"delta\":{\"content\":5}}]}",
	    "{\"choices\":[{\"delta\":[]}]}",
	    "{\"choices\":[{\"delta\":{},\"finish_reason\":1}]}",
	    "{\"choices\":[{\"text\":true}]}",
	    "{\"choices\":[7]}",
	    "{\"choices\":{}}",
	    "{\"id\":\"x\"}",
	    /* duplicates: cJSON reads the first */
	    "{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}",
	    "{\"choices\":[],\"choices\":[{\"delta\":{\"content\":\"b\"}}]}",
	    "{\"usage\":null,\"usage\":{\"completion_tokens\":3},"
	    "\"choices\":[]}",
	    /* an escaped key cJSON matches */
	    "{\"choices\":[{\"delta\":{\"con\\u0074ent\":\"x\"}}]}",
	    /* the rest of a chunk: skipped, its syntax checked */
	    "{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":"
	    "1700000000,\"model\":\"m\",\"system_fingerprint\":\"b1\","
	    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\" x\","
	    "\"refusal\":null,\"tool_calls\":null},\"logprobs\":null,"
	    "\"finish_reason\":null,\"x\":[1,-2.5e+3,0.0,true,false,{}]}],"
	    "\"usage\":null,\"error\":null}",
	    "{\"choices\":[{\"delta\":{\"content\":\"x\"}},{\"delta\":{}}]}",
	    "{\"choices\":[{\"delta\":null,\"text\":\"t\"}]}",
	    "{\"choices\":[{\"delta\":{\"reasoning\":\"r\","
	    "\"reasoning_content\":null}}]}",
	    "{\"choices\":[{\"delta\":{\"reasoning_content\":\"r1\","
	    "\"reasoning\":\"r2\"}}]}",
	    "{\"choices\":[{\"delta\":{},\"finish_reason\":\"st\\u006fp\"}]}",
	    /* numbers: strict JSON, and what cJSON reads otherwise */
	    "{\"n\":01,\"choices\":[]}",
	    "{\"n\":1.,\"choices\":[]}",
	    "{\"n\":-,\"choices\":[]}",
	    "{\"n\":1e,\"choices\":[]}",
	    "{\"n\":"
	    "123456789012345678901234567890123456789012345678901234567890123456"
	    "7"
	    "890,\"choices\":[]}",
	    /* whitespace, trailing bytes, depth */
	    " \t{ \"choices\" : [ ] } \r\n",
	    "{\"choices\":[]}x",
	    "{\"choices\":[]}\x01",
	    "\x0b{\"choices\":[]}",
	    "{\"choices\":[],\"d\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "["
	    "[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
	    "]]]]]"
	    "]]]]]]]]]]]]]]]]]]]]]]]]]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"raw\x01ctl\"}}]}",
	    "{\"choices\":[{\"delta\":{\"content\":\"\xff\xfe bytes\"}}]}",
	    "[DONE]",
	    "",
	};
	int bad = 0;

	lean_took = 0;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		bad += !same_chunk(cases[i], strlen(cases[i]));
	CHECK_INT(bad, 0);
	/* the scanner did read the common shapes itself (T_OAI_SHOW=1
	 * lists which) */
	CHECK_INT(lean_took, 13);
}

static void test_lean_on_captured_streams(void)
{
	static const char *const files[] = {
	    "llama-server/chat-stream-usage.sse",
	    "llama-server/chat-stream-no-usage.sse",
	    "servers/lmstudio-chat.sse",
	    "servers/mlx-chat.sse",
	    "servers/vllm-chat.sse",
	    "servers/ollama-v1-chat.sse",
	};
	char path[512];

	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		lean_took = memo_hits = 0;
		snprintf(path, sizeof path, "%s/%s", FIXTURES, files[i]);
		check_stream(path);
		CHECK(lean_took > 0);
		CHECK(memo_hits > 0);
	}
}

/* A kept chunk serves a payload that differs from it in its text alone,
 * and no other: each case is the payload after the kept one, and whether
 * the kept one serves it. */
static void test_memo_cases(void)
{
#define PRE "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
#define SUF "},\"finish_reason\":null}]}"
	static const char kept[] = PRE "\"ab\"" SUF;
	static const struct {
		const char *s;
		int hit;
	} cases[] = {
	    {PRE "\"xyz\"" SUF, 1},
	    {PRE "\"\"" SUF, 1},
	    {PRE "\"a\\\"b\\\\\"" SUF, 1},	      /* escapes */
	    {PRE "\"\\u00e9\\ud83d\\ude00\"" SUF, 1}, /* \u, a pair */
	    {PRE "\"\\ud83d\"" SUF, 0},		      /* lone: cJSON's */
	    {PRE "\"a\\u0000\"" SUF, 0},
	    {PRE "\"a\x01\"" SUF, 0}, /* a control byte: malformed */
	    {PRE "\"a\\q\"" SUF, 0},
	    {PRE "null" SUF, 0},
	    {PRE "5" SUF, 0},
	    /* two strings where one was: the first ends before the kept
	     * bytes after it begin */
	    {PRE "\"x\",\"content\":\"y\"" SUF, 0},
	    {PRE "\"x\"},\"finish_reason\":\"stop\",\"q\":{\"k\":\"y\"" SUF, 0},
	    {PRE "\"x\"},\"finish_reason\":\"stop\"}],\"z\":[{\"a\":\"y\"" SUF,
	     0},
	    {PRE "\"unterminated" SUF, 0},
	    {PRE "\"x\"" SUF " ", 0},
	    {PRE "\"x\"" SUF "}", 0},
	    {"{\"id\":\"d\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
	     "\"x\"" SUF,
	     0},
	    {PRE "\"x\"},\"finish_reason\":\"stop\"}]}", 0},
	    {"[DONE]", 0},
	};
	static const struct {
		const char *kept, *s;
		int hit;
	} pairs[] = {
	    /* the role's chunk: the next with text is no longer role only */
	    {"{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	     "\"\"}}]}",
	     "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	     "\"hi\"}}]}",
	     1},
	    {"{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	     "\"hi\"}}]}",
	     "{\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":"
	     "\"\"}}]}",
	     1},
	    /* reasoning either way, and which of the two wins */
	    {"{\"choices\":[{\"delta\":{\"reasoning_content\":\"a\"}}]}",
	     "{\"choices\":[{\"delta\":{\"reasoning_content\":\"bc\"}}]}", 1},
	    {"{\"choices\":[{\"delta\":{\"content\":null,\"reasoning\":\"a\"}}]"
	     "}",
	     "{\"choices\":[{\"delta\":{\"content\":null,\"reasoning\":\"\"}}]"
	     "}",
	     1},
	    {"{\"choices\":[{\"delta\":{\"reasoning_content\":\"a\","
	     "\"reasoning\":\"b\"}}]}",
	     "{\"choices\":[{\"delta\":{\"reasoning_content\":\"z\","
	     "\"reasoning\":\"b\"}}]}",
	     1},
	    /* completions' text */
	    {"{\"choices\":[{\"text\":\"a\",\"index\":0}]}",
	     "{\"choices\":[{\"text\":\" b\\n\",\"index\":0}]}", 1},
	    /* not kept: two texts, a finish, an escaped id before the
	     * text (its decode took sbuf), no text */
	    {"{\"choices\":[{\"delta\":{\"content\":\"a\",\"reasoning\":"
	     "\"b\"}}]}",
	     "{\"choices\":[{\"delta\":{\"content\":\"z\",\"reasoning\":"
	     "\"b\"}}]}",
	     0},
	    {"{\"choices\":[{\"delta\":{\"content\":\"a\"},\"finish_reason\":"
	     "\"stop\"}]}",
	     "{\"choices\":[{\"delta\":{\"content\":\"z\"},\"finish_reason\":"
	     "\"stop\"}]}",
	     0},
	    {"{\"choices\":[{\"delta\":{\"role\":\"a\\u0073\",\"content\":"
	     "\"a\"}}]}",
	     "{\"choices\":[{\"delta\":{\"role\":\"a\\u0073\",\"content\":"
	     "\"z\"}}]}",
	     0},
	    {"{\"choices\":[]}", "{\"choices\":[]}", 0},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memo_hits = 0;
		bad += !same_memo(kept, strlen(kept), cases[i].s,
				  strlen(cases[i].s));
		if (memo_hits != cases[i].hit) {
			fprintf(stderr, "# kept %s: %s\n",
				memo_hits ? "served" : "did not serve",
				cases[i].s);
			bad++;
		}
	}
	for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
		memo_hits = 0;
		bad += !same_memo(pairs[i].kept, strlen(pairs[i].kept),
				  pairs[i].s, strlen(pairs[i].s));
		if (memo_hits != pairs[i].hit) {
			fprintf(stderr, "# kept %s: %s\n",
				memo_hits ? "served" : "did not serve",
				pairs[i].s);
			bad++;
		}
	}
	CHECK_INT(bad, 0);
#undef PRE
#undef SUF
}

int main(void)
{
	RUN(test_role_and_content);
	RUN(test_reasoning_variants);
	RUN(test_tools_finish_usage);
	RUN(test_done_error_bad);
	RUN(test_error_message);
	RUN(test_lean_same_as_tree);
	RUN(test_lean_on_captured_streams);
	RUN(test_memo_cases);
	return DONE();
}

/* oai: decodes one OpenAI-compatible streamed chunk (an SSE data payload). */
#ifndef TB_OAI_H
#define TB_OAI_H

#include <stddef.h>

#include <cJSON.h>

/* What a payload was. */
enum oai_kind {
	OAI_CHUNK, /* a completion chunk (possibly with nothing in it) */
	OAI_DONE,  /* the "[DONE]" marker */
	OAI_ERROR, /* an error object, {"error": ...} */
	OAI_BAD	   /* not JSON, or JSON of no known shape */
};

/*
 * The parts of a chunk that tokbench measures.  Text pointers point into
 * the parsed tree, or for oai_decode_lean into the payload or the chunk's
 * sbuf, and stay valid until oai_clear and while the payload is; content
 * and reasoning are counted by their lengths (oai_decode_lean's may not
 * end in a NUL), finish and the rest are C strings.  Chat chunks carry text
 * in choices[0].delta.content, reasoning in delta.reasoning_content
 * (llama-server, LM Studio, DeepSeek) or delta.reasoning (vLLM, Ollama,
 * mlx_lm), tool-call arguments in delta.tool_calls[].function.arguments;
 * completions chunks in choices[0].text.
 */
struct oai_chunk {
	enum oai_kind kind;
	int role_only;	     /* a delta with a role and no text */
	const char *content; /* NULL when absent */
	size_t content_len;
	const char *reasoning;
	size_t reasoning_len;
	size_t tool_len;      /* bytes of tool-call arguments */
	int has_tool;	      /* a tool_calls delta was present */
	const char *finish;   /* finish_reason, NULL when null/absent */
	const cJSON *usage;   /* objects as the server sent them */
	const cJSON *timings; /* llama-server */
	const cJSON *stats;   /* LM Studio */
	const cJSON
	    *ollama; /* Ollama's native final object (durations, counts) */
	const cJSON *metrics; /* vLLM's per-request metrics
				 (--enable-per-request-metrics) */
	const char *error;    /* OAI_ERROR: the message */
	const char *bad;      /* OAI_BAD: what is wrong, when known */
	const cJSON
	    *choice; /* choices[0], where logprobs are (lprob.h); NULL */
	cJSON *root;
	/* oai_decode_lean's strings that had escapes, decoded; last, so
	 * that clearing a chunk need not clear it */
	char sbuf[512];
};

/* Decodes data[0..len).  Always fills *c (kind OAI_BAD on garbage); release
 * with oai_clear. */
void oai_decode(const char *data, size_t len, struct oai_chunk *c);

/* The same chunk as oai_decode gives, except that choice and root are
 * NULL (no logprobs can be read from it): the common chunk decoded in one
 * pass without a tree (oaifast.c), anything else by oai_decode. */
void oai_decode_lean(const char *data, size_t len, struct oai_chunk *c);
/* A stream's last chunk that had one text and nothing else a reader of it
 * sees but a role (oaifast.c): the chunks of a stream mostly differ in
 * their text alone, so the next is read by comparing its bytes to this
 * one's around the text and scanning the text only.  Zero it to start. */
struct oai_memo {
	size_t len;	    /* bytes kept; 0: none */
	size_t qa, qb;	    /* the text's string token, [qa, qb) */
	unsigned char slot; /* the text is 1: content, 2: reasoning */
	unsigned char role; /* the delta has a role */
	char p[512];	    /* the payload */
};
/* oai_decode_lean's chunk, the same in every field, by way of *m, which it
 * updates (m NULL: none; oai_decode_lean); 1 when *m's kept chunk served,
 * else 0. */
int oai_decode_memo(struct oai_memo *m, const char *data, size_t len,
		    struct oai_chunk *c);

/* oaifast.c: 0 and the chunk in *c (kind OAI_CHUNK), or -1 when the
 * payload is not one it reads for certain as oai_decode would; *c's
 * fields must be clear on entry. */
int oai_decode_fast(const char *data, size_t len, struct oai_chunk *c);

/* Decodes one line of Ollama's native /api/chat stream (NDJSON, v0.33
 * server/routes.go): message.content is content, message.thinking
 * reasoning, message.tool_calls a tool call; the line with "done": true
 * carries done_reason as the finish and the durations and counts (ollama
 * points at the whole object); {"error": "..."} is OAI_ERROR.  Release
 * with oai_clear. */
void oai_decode_ollama(const char *data, size_t len, struct oai_chunk *c);
void oai_clear(struct oai_chunk *c);

/* 1 when a and b are the same chunk in every field gen reads (texts by
 * their bytes, the kept objects by their presence): how the tests and the
 * fuzz target hold oai_decode_lean to oai_decode. */
int oai_same(const struct oai_chunk *a, const struct oai_chunk *b);

/* The message of an error body such as {"error":{"message":"..."}} or
 * {"error":"..."} or {"message":"..."}, copied into buf (truncated);
 * returns buf, or NULL when the body has none. */
char *oai_error_message(const char *body, size_t len, char *buf, size_t buflen);

/* The same of a body already parsed; a string of root, or NULL. */
const char *oai_error_of(const cJSON *root);

#endif

/* Unit tests of src/gen/tfsrc (a teacher-forced pass's sequences from a
 * run's events) and src/gen/tfpass's event form. */
#include "tap.h"
#include "tfpass.h"
#include "tfsrc.h"

static void feed(struct tfsrc *s, const char *line)
{
	cJSON *o = cJSON_Parse(line);

	CHECK(o != NULL);
	tfsrc_event(s, o);
	cJSON_Delete(o);
}

#define RUN_EV                                                                 \
	"{\"ev\":\"run\",\"run_id\":\"r1-7\",\"model\":\"f16\",\"api\":"       \
	"\"chat\",\"config\":{\"cache_bust\":true},\"labels\":{\"family\":"    \
	"\"m\"},\"server\":{\"kind\":\"llamacpp\",\"n_vocab\":1024}}"

/* A generation run: the first measured, successful request of each prompt
 * with every token's id; warm-ups, failures and a second request of a
 * prompt do not count. */
static void test_generation(void)
{
	struct tfsrc s;
	char why[300];

	tfsrc_init(&s);
	feed(&s, RUN_EV);
	feed(&s, "{\"ev\":\"req\",\"id\":1,\"prompt\":\"a\",\"warmup\":true}");
	feed(&s, "{\"ev\":\"done\",\"id\":1,\"status\":\"ok\",\"logprobs\":"
		 "{\"given\":\"all\",\"content\":[{\"t\":\"x\",\"id\":9,"
		 "\"lp\":-1}]}}");
	feed(&s, "{\"ev\":\"req\",\"id\":2,\"prompt\":\"a\"}");
	feed(&s, "{\"ev\":\"done\",\"id\":2,\"status\":\"http_error\"}");
	feed(&s, "{\"ev\":\"req\",\"id\":3,\"prompt\":\"a\"}");
	feed(&s,
	     "{\"ev\":\"done\",\"id\":3,\"status\":\"ok\",\"prompt_tokens\""
	     ":40,\"logprobs\":{\"given\":\"all\",\"content\":[{\"t\":\"x\","
	     "\"id\":5,\"lp\":-1},{\"t\":\"y\",\"id\":6,\"lp\":-2}]}}");
	feed(&s, "{\"ev\":\"req\",\"id\":4,\"prompt\":\"a\"}");
	feed(&s, "{\"ev\":\"done\",\"id\":4,\"status\":\"ok\",\"logprobs\":"
		 "{\"given\":\"all\",\"content\":[{\"t\":\"z\",\"id\":1,\"lp\":"
		 "-1}]}}");
	/* a prompt whose output came without ids (another server) */
	feed(&s, "{\"ev\":\"req\",\"id\":5,\"prompt\":\"b\"}");
	feed(&s, "{\"ev\":\"done\",\"id\":5,\"status\":\"ok\",\"logprobs\":"
		 "{\"given\":\"all\",\"content\":[{\"t\":\"z\",\"lp\":-1}]}}");
	CHECK_INT(tfsrc_check(&s, why, sizeof why), 0);
	CHECK_STR(s.run_id, "r1-7");
	CHECK_INT(s.cache_bust, 1);
	CHECK_INT(s.teacher_forced, 0);
	CHECK_INT((int)s.n_vocab, 1024);
	CHECK_INT(s.nseq, 1);
	CHECK_STR(s.seq[0].prompt, "a");
	CHECK_INT((int)s.seq[0].req, 3);
	CHECK(s.seq[0].ctx == NULL); /* tokenized by the server */
	CHECK_INT(s.seq[0].nforced, 2);
	CHECK_INT(s.seq[0].forced[1], 6);
	CHECK_INT((int)s.seq[0].prompt_tokens, 40);
	CHECK_INT((int)s.no_ids, 1);
	tfsrc_free(&s);
}

/* A teacher-forced run: its sequences as fed, text included; and a run
 * with nothing to feed says how to make one. */
static void test_pass_source(void)
{
	struct tfsrc s;
	char why[300];

	tfsrc_init(&s);
	feed(&s, "{\"ev\":\"run\",\"run_id\":\"r2\",\"config\":{"
		 "\"teacher_force\":{\"source\":\"g.nd\"}}}");
	feed(&s, "{\"ev\":\"req\",\"id\":1,\"prompt\":\"a\"}");
	feed(&s, "{\"ev\":\"done\",\"id\":1,\"status\":\"ok\",\"tf\":{\"ctx\":"
		 "[1,2],\"forced\":[3],\"text\":\"abc\",\"content\":[]}}");
	CHECK_INT(tfsrc_check(&s, why, sizeof why), 0);
	CHECK_INT(s.teacher_forced, 1);
	CHECK_INT(s.seq[0].nctx, 2);
	CHECK_STR(s.seq[0].text, "abc");
	tfsrc_free(&s);
	tfsrc_init(&s);
	feed(&s, RUN_EV);
	CHECK_INT(tfsrc_check(&s, why, sizeof why), -1);
	CHECK(strstr(why, "--logprobs") != NULL);
	tfsrc_free(&s);
	tfsrc_init(&s);
	CHECK_INT(tfsrc_check(&s, why, sizeof why), -1);
	CHECK(strstr(why, "no run event") != NULL);
	tfsrc_free(&s);
}

/* The done event's tf object, as docs/events.md has it. */
static void test_write(void)
{
	int ctx[] = {1, 2}, forced[] = {3, 4};
	struct tf_alt alts[] = {{3, -0.5}, {7, -1.5}};
	struct tf_pos pos = {2, alts, 1, -0.5};
	struct tfpass_out o = {0};
	cJSON *j;
	jw w;

	o.npos = 1;
	o.pos = &pos;
	o.top_min = 2;
	o.requests = 1;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	tfpass_write(&w, "r1", 3, ctx, 2, forced, 2, "ab", 20, &o);
	jw_obj_close(&w);
	j = cJSON_Parse(jw_cstr(&w));
	const cJSON *tf = cJSON_GetObjectItem(j, "tf");
	CHECK_STR(cJSON_GetObjectItem(tf, "given")->valuestring, "all");
	CHECK_INT(cJSON_GetObjectItem(tf, "positions")->valueint, 1);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(tf, "forced")), 2);
	CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItem(tf, "content")), 1);
	CHECK_STR(cJSON_GetObjectItem(tf, "source_run")->valuestring, "r1");
	cJSON_Delete(j);
	jw_free(&w);
	o.noprobs = 1, o.npos = 0;
	jw_init(&w);
	jw_obj_open(&w, NULL);
	tfpass_write(&w, "r1", 3, ctx, 2, forced, 2, NULL, 20, &o);
	jw_obj_close(&w);
	CHECK(strstr(jw_cstr(&w), "\"given\":\"none\"") != NULL);
	jw_free(&w);
}

int main(void)
{
	RUN(test_generation);
	RUN(test_pass_source);
	RUN(test_write);
	return DONE();
}

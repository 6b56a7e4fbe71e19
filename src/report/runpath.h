/* runpath: where each figure lives in a run JSON (agg's output,
 * docs/run-json.md), named once for its readers: the report's data layer
 * (src/report/rundata and the modules beside it) reads the document through
 * these names, and nothing else of the report reads it.  A path is dotted for
 * jget_path; a key is looked up in an object the path reached. */
#ifndef TB_RUNPATH_H
#define TB_RUNPATH_H

/* The file. */
#define RP_VERSION "version"
#define RP_INCOMPLETE "incomplete"

/* What ran: run.* */
#define RP_MODEL "run.model"
#define RP_API "run.api"
#define RP_T_START "run.t_start"
#define RP_LABELS "run.labels"
#define RP_ENV "run.env"
#define RP_HOST "run.host"
#define RP_HOST_OS "run.host.os"
#define RP_HOST_CPU "run.host.cpu"
#define RP_SERVER "run.server"
#define RP_SERVER_KIND "run.server.kind"
#define RP_SERVER_MODEL_ID "run.server.model_id"
#define RP_TOOL_VERSION "run.tool_version"
#define RP_SERVER_QUANT "run.server.quant"
#define RP_SERVER_BACKEND "run.server.backend"
#define RP_SIMULATED "run.server.simulated"
#define RP_MODEL_BYTES "run.server.model_bytes"
#define RP_MODEL_PARAMS "run.server.model_params"
#define RP_CONFIG "run.config"
#define RP_CONCURRENCY "run.config.concurrency"
#define RP_RATE "run.config.rate"
#define RP_SHUFFLE "run.config.shuffle"
#define RP_TEACHER_FORCE "run.config.teacher_force"
/* how gen brought the prompt to its token count (--prompt-tokens, --bench) */
#define RP_PROMPT_COUNT "run.config.prompt_count"
#define RJ_TARGET "target"
#define RJ_METHOD "method"
#define RJ_EXACT "exact"
#define RJ_WHY "why"

/* run.server's context keys (make ctx) */
#define RJ_CTX_TRAIN "ctx_train"
#define RJ_CTX_SIZE "ctx_size"

/* run.config's keys (gen's options) */
#define RJ_PROMPTS "prompts"
#define RJ_MAX_TOKENS "max_tokens"
#define RJ_IGNORE_EOS "ignore_eos"
#define RJ_TEMPERATURE "temperature"
#define RJ_SEED "seed"
#define RJ_CACHE_BUST "cache_bust"
#define RJ_SHUFFLE "shuffle"
#define RJ_RATE "rate"

/* Labels the report reads (gen -l; docs/workflows.md), and the path of
 * one: RP_LABEL(RL_QUANT) is "run.labels.quant".  What a run is part of
 * is its kind, not a label (runkind.h, which alone reads the labels of
 * version-1 files that said it). */
#define RP_LABEL(k) RP_LABELS "." k
#define RL_QUANT "quant"
#define RL_BACKEND "backend"
#define RL_CTX "ctx"

/* The model's load. */
#define RP_LOAD_STATUS "load.status"
#define RP_LOAD_SECONDS "load.seconds"
#define RP_LOAD_SERVER_S "load.server_seconds"
#define RP_LOAD_ERROR "load.error"

/* The model file's share in the page cache (memsample --page-cache-event),
 * before and after the run; and in the server's mappings (make moe). */
#define RP_PC_BYTES "page_cache.bytes"
#define RP_PC_START "page_cache.start"
#define RP_PC_END "page_cache.end"
#define RP_PC_MAPPED_START "page_cache.mapped_start"
#define RP_PC_MAPPED_END "page_cache.mapped_end"

/* The requests. */
#define RP_REQ_MEASURED "requests.measured"
#define RP_REQ_OK "requests.ok"
#define RP_REQ_BY_STATUS "requests.by_status"
#define RP_FIRST_ERROR "requests.first_error"
#define RP_REASONING "tokens.reasoning"
#define RP_QUALITY_CHECKED "quality.checked"
#define RP_QUALITY_PASSED "quality.passed"

/* Agreement with a reference run (agg --reference): quality.agreement and
 * quality.logprobs, each with its level of evidence. */
#define RP_AGREEMENT "quality.agreement"
#define RP_LOGPROBS "quality.logprobs"
#define RJ_EVIDENCE "evidence"
#define RJ_WHY "why"
#define RJ_EV_GREEDY "greedy_text" /* agreement's figures are there */
#define RJ_EV_LOGPROBS "logprobs"  /* logprobs' figures are there */
#define RJ_IDENTICAL "identical"
#define RJ_SHARE "share"
#define RJ_TTD "tokens_to_divergence"
#define RJ_DIVERGED "diverged"
#define RJ_MEDIAN "median"
#define RJ_TOP1 "top1_agreement"
#define RJ_KL "kl"
#define RJ_P99 "p99"
#define RJ_FIRST_DIV "first_divergence"
#define RJ_TOP_K "top_k"
#define RJ_TRUNCATED "truncated"
/* Teacher-forced quality (agg --reference on two gen --teacher-force
 * passes): quality.teacher_forced, level (c). */
#define RP_TEACHER "quality.teacher_forced"
#define RJ_EV_TEACHER "teacher_forced" /* its figures are there */
#define RJ_POSITIONS "positions"
#define RJ_EXACT "exact"
#define RJ_SAME_TOP1 "same_top1"
#define RJ_PERPLEXITY "perplexity"
#define RJ_DELTA "delta"
#define RJ_TIE "tie"

/* The statistics objects of the whole run (src/agg/statjson writes them). */
#define RP_TTFT "metrics.ttft_s"
#define RP_E2E "metrics.e2e_s"
#define RP_DECODE "metrics.decode_tps"
#define RP_PREFILL "metrics.prefill_tps"
#define RP_TTFO "metrics.ttfo_s"
#define RP_QUEUE "metrics.queue_delay_s"
#define RP_SRV_DECODE "server_reported.decode_tps"
#define RP_SRV_PREFILL "server_reported.prefill_tps"
#define RP_AGG_TPS "throughput.aggregate_tps"
#define RP_FAIRNESS "throughput.jain_fairness"

/* A statistics object's keys. */
#define RS_N "n"
#define RS_MEAN "mean"
#define RS_MIN "min"
#define RS_MAX "max"
#define RS_CI_LO "ci95_lo"
#define RS_CI_HI "ci95_hi"
#define RS_P50 "p50"
#define RS_P95 "p95"

/* Memory (src/agg/memfig's figures). */
#define RP_PEAK_BYTES "memory.peak_bytes"
#define RP_STEADY_BYTES "memory.steady_bytes"
#define RP_TIMELINE "memory.timeline"
#define RP_WIRED_PEAK "memory.system.wired.peak_bytes"
#define RP_COMPRESSED_GROWTH "memory.system.compressed.growth_bytes"
#define RP_SWAP_GROWTH "memory.system.swap_used.growth_bytes"
#define RP_LEAK "memory.leak"
#define RJ_VERDICT "verdict"
#define RJ_REASON "reason" /* sustained: why its verdict is unknown */
#define RJ_ERROR "error"
#define RJ_MB_PER_REQUEST "mb_per_request"
#define RJ_MB_PER_MINUTE "mb_per_minute"
#define RJ_CI95_SUFFIX "_ci95" /* a slope's interval: KEY_ci95, [lo, hi] */
#define RJ_R2 "r2"

/* Sustained speed (src/agg/sustain) and heat (src/agg/powfig). */
#define RP_SUSTAINED "sustained"
#define RJ_RATIO "ratio"
#define RP_THROTTLED_SHARE "power.throttled_share"
#define RP_THERMAL_MAX "power.thermal_max"
#define RP_POWER "power"
#define RJ_J_PER_TOKEN "j_per_output_token"
#define RJ_MEAN_W "mean_w"
#define RJ_P95_W "p95_w"
#define RJ_PEAK_TEMP "peak_temp_c"
#define RJ_ENERGY_SOURCE "energy_source"
#define RJ_COVERED_S "covered_s"
#define RJ_WINDOW_S "window_s"
#define RJ_UNKNOWN "unknown"
#define RJ_TIMELINE "timeline"

/* Each prompt's figures: per_prompt.NAME.* */
#define RP_PER_PROMPT "per_prompt"
#define RJ_N "n"
#define RJ_OK "ok"
#define RJ_SYNTHETIC "synthetic_tokens"
#define RJ_TTFT "ttft_s"
#define RJ_E2E "e2e_s"
#define RJ_DECODE "decode_tps"
#define RJ_PREFILL "prefill_tps"
#define RJ_PROMPT_TOKENS "prompt_tokens"
#define RJ_OUTPUT_TOKENS "output_tokens"
#define RJ_OUTPUT "output"
#define RJ_TOKENS "tokens"
#define RJ_CHARS "chars"
#define RJ_TEXT "text"
#define RJ_QUALITY "quality"
#define RJ_PASSED "passed"
#define RJ_CHECKED "checked"

/* Each request (agg --per-request): per_request[].* */
#define RP_PER_REQUEST "per_request"
#define RJ_PROMPT "prompt"
#define RJ_STATUS "status"
#define RJ_WARMUP "warmup"
#define RJ_T_SEND "t_send"
#define RJ_ANSWER_CORRECT                                                      \
	"answer_correct" /* a graded item's answer: true, false */
#define RS_OK "ok"	 /* the status of a request or a load that succeeded */

/* Service levels (make capacity): goodput.* */
#define RP_GOODPUT "goodput"
#define RP_GOODPUT_VERDICT "goodput.verdict"
#define RP_OBJECTIVES "goodput.objectives"
#define RJ_WORST "worst"
#define RJ_OBJECTIVES "objectives"
#define RJ_OBJECTIVE "objective"
#define RJ_METRIC "metric"
#define RJ_VALUE "value"
#define RJ_BOUND "bound"
#define RJ_PCT "pct"
#define RJ_FRACTION "fraction"
#define RJ_GOODPUT_RATE "rate"
#define RJ_TOKENS_PER_S "tokens_per_s"

#endif

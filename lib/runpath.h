/* runpath: where each figure lives in a run JSON (agg's output,
 * docs/run-json.md), named once for its readers: the report's data layer
 * (lib/rundata and the modules beside it) reads the document through these
 * names, and nothing else of the report reads it.  A path is dotted for
 * jget_path; a key is looked up in an object the path reached. */
#ifndef TB_RUNPATH_H
#define TB_RUNPATH_H

/* The file. */
#define RP_VERSION        "version"
#define RP_INCOMPLETE     "incomplete"

/* What ran: run.* */
#define RP_MODEL          "run.model"
#define RP_API            "run.api"
#define RP_T_START        "run.t_start"
#define RP_LABELS         "run.labels"
#define RP_ENV            "run.env"
#define RP_HOST           "run.host"
#define RP_HOST_OS        "run.host.os"
#define RP_HOST_CPU       "run.host.cpu"
#define RP_SERVER         "run.server"
#define RP_SERVER_KIND    "run.server.kind"
#define RP_SERVER_QUANT   "run.server.quant"
#define RP_SERVER_BACKEND "run.server.backend"
#define RP_SIMULATED      "run.server.simulated"
#define RP_MODEL_BYTES    "run.server.model_bytes"
#define RP_CONFIG         "run.config"
#define RP_CONCURRENCY    "run.config.concurrency"
#define RP_RATE           "run.config.rate"
#define RP_SHUFFLE        "run.config.shuffle"

/* run.server's context keys (make ctx) */
#define RK_CTX_TRAIN      "ctx_train"
#define RK_CTX_SIZE       "ctx_size"

/* run.config's keys (gen's options) */
#define RK_PROMPTS        "prompts"
#define RK_MAX_TOKENS     "max_tokens"
#define RK_IGNORE_EOS     "ignore_eos"
#define RK_TEMPERATURE    "temperature"
#define RK_SEED           "seed"
#define RK_CACHE_BUST     "cache_bust"
#define RK_SHUFFLE        "shuffle"
#define RK_RATE           "rate"

/* Labels the workflows set (gen -l; docs/workflows.md), and the path of
 * one: RP_LABEL(RL_QUANT) is "run.labels.quant". */
#define RP_LABEL(k)       RP_LABELS "." k
#define RL_QUANT          "quant"
#define RL_BACKEND        "backend"
#define RL_CTX            "ctx"
#define RL_LADDER         "ladder"
#define RL_DEPTH          "depth"
#define RL_MIX            "mix"
#define RL_MIXSET         "mixset"
#define RL_LOADS          "loads"
#define RL_LOAD_REP       "load_rep"
#define RL_CACHE          "cache"
#define RL_CACHE_RESIDENT "cache_resident"
#define RL_CAPACITY       "capacity"

/* The model's load. */
#define RP_LOAD_STATUS    "load.status"
#define RP_LOAD_SECONDS   "load.seconds"
#define RP_LOAD_SERVER_S  "load.server_seconds"
#define RP_LOAD_ERROR     "load.error"

/* The requests. */
#define RP_REQ_MEASURED   "requests.measured"
#define RP_REQ_OK         "requests.ok"
#define RP_REQ_BY_STATUS  "requests.by_status"
#define RP_FIRST_ERROR    "requests.first_error"
#define RP_REASONING      "tokens.reasoning"
#define RP_QUALITY_CHECKED "quality.checked"
#define RP_QUALITY_PASSED "quality.passed"

/* The statistics objects of the whole run (lib/statjson writes them). */
#define RP_TTFT           "metrics.ttft_s"
#define RP_E2E            "metrics.e2e_s"
#define RP_DECODE         "metrics.decode_tps"
#define RP_PREFILL        "metrics.prefill_tps"
#define RP_TTFO           "metrics.ttfo_s"
#define RP_QUEUE          "metrics.queue_delay_s"
#define RP_SRV_DECODE     "server_reported.decode_tps"
#define RP_SRV_PREFILL    "server_reported.prefill_tps"
#define RP_AGG_TPS        "throughput.aggregate_tps"
#define RP_FAIRNESS       "throughput.jain_fairness"

/* A statistics object's keys. */
#define RS_N              "n"
#define RS_MEAN           "mean"
#define RS_CI_LO          "ci95_lo"
#define RS_CI_HI          "ci95_hi"
#define RS_P50            "p50"
#define RS_P95            "p95"

/* Memory (lib/memfig's figures). */
#define RP_PEAK_BYTES     "memory.peak_bytes"
#define RP_STEADY_BYTES   "memory.steady_bytes"
#define RP_TIMELINE       "memory.timeline"
#define RP_WIRED_PEAK     "memory.system.wired.peak_bytes"
#define RP_COMPRESSED_GROWTH "memory.system.compressed.growth_bytes"
#define RP_SWAP_GROWTH    "memory.system.swap_used.growth_bytes"
#define RP_LEAK           "memory.leak"
#define RK_VERDICT        "verdict"
#define RK_ERROR          "error"
#define RK_MB_PER_REQUEST "mb_per_request"
#define RK_MB_PER_MINUTE  "mb_per_minute"
#define RK_CI95_SUFFIX    "_ci95"  /* a slope's interval: KEY_ci95, [lo, hi] */
#define RK_R2             "r2"

/* Each prompt's figures: per_prompt.NAME.* */
#define RP_PER_PROMPT     "per_prompt"
#define RK_N              "n"
#define RK_OK             "ok"
#define RK_SYNTHETIC      "synthetic_tokens"
#define RK_TTFT           "ttft_s"
#define RK_E2E            "e2e_s"
#define RK_DECODE         "decode_tps"
#define RK_PREFILL        "prefill_tps"
#define RK_PROMPT_TOKENS  "prompt_tokens"
#define RK_OUTPUT_TOKENS  "output_tokens"
#define RK_OUTPUT         "output"
#define RK_TOKENS         "tokens"
#define RK_CHARS          "chars"
#define RK_TEXT           "text"
#define RK_QUALITY        "quality"
#define RK_PASSED         "passed"
#define RK_CHECKED        "checked"

/* Each request (agg --per-request): per_request[].* */
#define RP_PER_REQUEST    "per_request"
#define RK_PROMPT         "prompt"
#define RK_STATUS         "status"
#define RK_WARMUP         "warmup"
#define RK_T_SEND         "t_send"
#define RS_OK             "ok"     /* the status of a request or a load that succeeded */

/* Service levels (make capacity): goodput.* */
#define RP_GOODPUT        "goodput"
#define RP_GOODPUT_VERDICT "goodput.verdict"
#define RP_OBJECTIVES     "goodput.objectives"
#define RK_WORST          "worst"
#define RK_OBJECTIVES     "objectives"
#define RK_OBJECTIVE      "objective"
#define RK_METRIC         "metric"
#define RK_VALUE          "value"
#define RK_BOUND          "bound"
#define RK_PCT            "pct"
#define RK_FRACTION       "fraction"
#define RK_GOODPUT_RATE   "rate"
#define RK_TOKENS_PER_S   "tokens_per_s"

#endif

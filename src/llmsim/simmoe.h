/* simmoe: llmsim's stand-in for a mixture-of-experts model's weights
 * (llmsim --moe FILE).  The file is SIMMOE_EXPERTS slices of
 * SIMMOE_SLICE bytes, mapped as llama.cpp maps a GGUF; each request is
 * routed to the experts its prompt's words hash to and reads every page of
 * their slices, so that the file's share in the page cache is exactly the
 * slices touched so far: the truth make moe's figure is checked against
 * (docs/llmsim.md, MoE).  The mapping is advised MADV_RANDOM, so that the
 * kernel reads no page around a fault. */
#ifndef TB_SIMMOE_H
#define TB_SIMMOE_H

#include <stddef.h>
#include <stdint.h>

#define SIMMOE_EXPERTS 64
#define SIMMOE_SLICE (64 * 1024)

/* Maps path, first writing it (SIMMOE_EXPERTS * SIMMOE_SLICE bytes, each
 * slice filled with its expert's number) when it is absent or of another
 * size.  Returns 0, or -1 with the reason in err. */
int simmoe_open(const char *path, char *err, size_t errlen);

/* Whether simmoe_open succeeded. */
int simmoe_on(void);

/* The experts a prompt goes to, one bit each: expert FNV-1a(word) mod
 * SIMMOE_EXPERTS of every word (a run of ASCII letters and digits, case
 * folded, or of bytes >= 0x80). */
uint64_t simmoe_route(const char *text, size_t n);

/* Reads every page of the experts' slices; returns a sum of what it read,
 * so that the reads are not optimised away. */
unsigned simmoe_touch(uint64_t experts);

/* Unmaps the file. */
void simmoe_close(void);

#endif

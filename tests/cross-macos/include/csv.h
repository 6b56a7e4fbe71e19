/* Stand-in for libcsv's <csv.h> (3.0): only what tokbench uses (for the
 * macOS cross-compile check; never linked). */
#ifndef TB_STANDIN_CSV_H
#define TB_STANDIN_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_STRICT 1
#define CSV_REPALL_NL 2
#define CSV_STRICT_FINI 4
#define CSV_APPEND_NULL 8
#define CSV_EMPTY_IS_NULL 16

struct csv_parser {
	int pstate;
	int quoted;
	size_t spaces;
	unsigned char *entry_buf;
	size_t entry_pos;
	size_t entry_size;
	int status;
	unsigned char options;
	unsigned char quote_char;
	unsigned char delim_char;
	int (*is_space)(unsigned char);
	int (*is_term)(unsigned char);
	size_t blk_size;
	void *(*malloc_func)(size_t);
	void *(*realloc_func)(void *, size_t);
	void (*free_func)(void *);
};

int csv_init(struct csv_parser *p, unsigned char options);
int csv_fini(struct csv_parser *p, void (*cb1)(void *, size_t, void *),
	     void (*cb2)(int, void *), void *data);
void csv_free(struct csv_parser *p);
int csv_error(const struct csv_parser *p);
const char *csv_strerror(int error);
size_t csv_parse(struct csv_parser *p, const void *s, size_t len,
		 void (*cb1)(void *, size_t, void *), void (*cb2)(int, void *),
		 void *data);
int csv_fwrite(FILE *fp, const void *src, size_t src_size);

#endif

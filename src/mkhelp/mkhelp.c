/* mkhelp: a tool's -h text from its manual page (docs/TOOL.md), as a C
 * header, so that -h, usage errors and the manual never disagree: the
 * SYNOPSIS as the usage line, the title's purpose, the OPTIONS and
 * ENVIRONMENT tables, and where the manual is.  With -m, the same page as
 * a man(7) page, so that man and -h come from one source too.  Built and
 * run at build time only (Makefile, scripts/cross-macos.sh).
 *   mkhelp TOOL docs/TOOL.md > help.h
 *   mkhelp -m NAME SECTION VERSION DATE docs/PAGE.md > NAME.SECTION
 * Exit status: 0, 1 the manual cannot be read, 2 a usage error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INDENT "     "

/* Removes every occurrence of pat from s, in place. */
static void drop(char *s, const char *pat)
{
	size_t n = strlen(pat);
	char *p;

	while ((p = strstr(s, pat)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

/* A cell's text: no code marks or bold, [text](link) as text, "\|" as
 * "|", no spaces around. */
static char *clean(char *s)
{
	char *a, *b, *c, *e;

	drop(s, "`");
	while ((a = strstr(s, "\\|")) != NULL)
		memmove(a, a + 1, strlen(a + 1) + 1);
	drop(s, "**");
	for (a = s; (a = strchr(a, '[')) != NULL;) {
		b = strchr(a, ']');
		if (b == NULL || b[1] != '(' || (c = strchr(b, ')')) == NULL ||
		    memchr(a + 1, '[', (size_t)(b - a - 1)) != NULL) {
			a++;
			continue;
		}
		memmove(b, c + 1, strlen(c + 1) + 1); /* "](link)" */
		memmove(a, a + 1, strlen(a + 1) + 1); /* "[" */
	}
	while (*s == ' ')
		s++;
	e = s + strlen(s);
	while (e > s && e[-1] == ' ')
		*--e = '\0';
	return s;
}

static void emit(const char *s)
{
	putchar('\t');
	putchar('"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			putchar('\\');
		putchar(*s);
	}
	fputs("\",\n", stdout);
}

/* text in lines of at most 78 columns behind an indent of 6 */
static void wrapped(char *text)
{
	char line[4096] = INDENT, *w, *next;

	for (w = text; *w; w = next) {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		next = w + strcspn(w, " ");
		if (*next)
			*next++ = '\0';
		if (strlen(line) + 1 + strlen(w) > 78 && strcmp(line, INDENT)) {
			emit(line);
			snprintf(line, sizeof line, INDENT);
		}
		strncat(line, " ", sizeof line - strlen(line) - 1);
		strncat(line, w, sizeof line - strlen(line) - 1);
	}
	if (strcmp(line, INDENT))
		emit(line);
}

/* One row of an OPTIONS or ENVIRONMENT table: its name, then its meaning
 * wrapped. */
static void row(char *line)
{
	char *cell[3], *p, name[1024];
	int n = 0;

	for (p = line; *p && n < 3; p++) /* cells split at bars not escaped */
		if (*p == '|' && (p == line || p[-1] != '\\')) {
			*p = '\0';
			cell[n++] = p + 1;
		}
	if (n < 3)
		return;
	cell[0] = clean(cell[0]);
	cell[1] = clean(cell[1]);
	if (!strcmp(cell[0], "option") || !strcmp(cell[0], "variable"))
		return; /* the header row */
	snprintf(name, sizeof name, "  %s", cell[0]);
	emit(name);
	wrapped(cell[1]);
}

/* The usage lines as one C string: "usage: " before the first, an indent
 * of as many spaces before the others. */
static void synopsis(const char *usage)
{
	fputs("static const char tool_synopsis[] =\n\t\"", stdout);
	for (const char *s = usage; *s; s++) {
		if (*s == '\n') {
			fputs("\\n\"\n\t\"", stdout);
			continue;
		}
		if (*s == '\\' || *s == '"')
			putchar('\\');
		putchar(*s);
	}
	fputs("\";\n", stdout);
}

static void header(const char *tool, char *title)
{
	char first[4096], *purpose = title,
			  *dash = strstr(title, " \xe2\x80\x94 ");

	title[strcspn(title, "\n")] = '\0';
	if (!strncmp(title, "# ", 2) && dash &&
	    !memchr(title + 2, ' ', (size_t)(dash - title - 2)))
		purpose = dash + 5; /* "# gen(1) — " */
	printf("/* Generated from docs/%s.md by src/mkhelp: do not edit. */\n",
	       tool);
	printf("static const char *const tool_help[] = {\n");
	snprintf(first, sizeof first, "%.100s: %.3900s", tool, purpose);
	emit(first);
}

/* ---- man(7) pages (-m) ------------------------------------------------
 * The Markdown the manuals use, and no more: headings, paragraphs, "- "
 * and "N. " lists, tables (two columns as a tagged list, more as the tag
 * and each further cell named by its header), fenced and indented code. */

static struct man {
	const char *name, *tool; /* tokbench-gen, gen */
	int pp;			 /* a paragraph break is due before text */
	int fresh;		 /* nothing yet under the last heading */
	int code;		 /* inside a ``` block */
	int list;		 /* inside a list item */
	char head[16][128];	 /* the current table's header cells */
	int nhead;
} M;

/* s in roff: backslashes escaped, UTF-8 as \[uXXXX] (ASCII stays the
 * input), a line that would start a request guarded. */
static void roff(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned long cp;
	int n;

	if (*u == '.' || *u == '\'')
		fputs("\\&", stdout);
	for (; *u; u++) {
		if (*u == '\\') {
			fputs("\\e", stdout);
			continue;
		}
		if (*u < 0x80) {
			putchar(*u);
			continue;
		}
		n = *u >= 0xf0 ? 3 : *u >= 0xe0 ? 2 : 1;
		cp = *u & (0x3f >> n);
		while (n-- > 0 && (u[1] & 0xc0) == 0x80)
			cp = cp << 6 | (*++u & 0x3f);
		printf("\\[u%04lX]", cp);
	}
}

/* Text in fill mode, its Markdown marks dropped, in lines short enough
 * for mandoc -Tlint (80 bytes, escapes included). */
static void text(char *s)
{
	char line[4096] = "", *w, *next;

	for (w = clean(s); *w; w = next) {
		next = w + strcspn(w, " ");
		if (*next)
			*next++ = '\0';
		if (*w == '\0')
			continue;
		if (*line && strlen(line) + 1 + strlen(w) > 60) {
			roff(line);
			putchar('\n');
			*line = '\0';
		}
		if (*line)
			strncat(line, " ", sizeof line - strlen(line) - 1);
		strncat(line, w, sizeof line - strlen(line) - 1);
	}
	if (*line) {
		roff(line);
		putchar('\n');
	}
}

/* A break before new text: .PP once after a blank line, none after a
 * heading (mandoc -Tlint: a paragraph macro there is skipped). */
static void para(void)
{
	if (M.pp && !M.fresh)
		puts(".PP");
	M.pp = 0;
	M.fresh = 0;
	M.list = 0;
}

/* Splits a table row at its bars not escaped; returns the cell count. */
static int cells(char *line, char **cell, int max)
{
	char *p;
	int n = 0;

	for (p = line + 1; n < max;) {
		cell[n++] = p;
		for (; *p && !(*p == '|' && p[-1] != '\\'); p++)
			;
		if (*p == '\0' || p[1] == '\0')
			break;
		*p++ = '\0';
	}
	if (n > 0 && (p = strrchr(cell[n - 1], '|')) != NULL && p[1] == '\0')
		*p = '\0';
	return n;
}

/* A table row: the header row remembered, a body row as a tagged item. */
static void man_row(char *line)
{
	char *cell[16], body[8192] = "";
	int i, n = cells(line, cell, 16);

	if (M.nhead == 0) {
		for (i = 0; i < n; i++)
			snprintf(M.head[i], sizeof M.head[i], "%s",
				 clean(cell[i]));
		M.nhead = n;
		return;
	}
	M.pp = 0;
	M.fresh = 0;
	puts(".TP");
	text(cell[0]);
	for (i = 1; i < n; i++) {
		char *c = clean(cell[i]);
		size_t len = strlen(body);

		if (n > 2 && i < M.nhead && *c)
			snprintf(body + len, sizeof body - len, "%s%s: %s",
				 len ? "; " : "", M.head[i], c);
		else
			snprintf(body + len, sizeof body - len, "%s%s",
				 len && *c ? " " : "", c);
	}
	text(body);
}

/* A heading: ## as a section, ### and deeper as a subsection. */
static void man_heading(char *line)
{
	char *h = line + strspn(line, "#");

	printf(h - line == 2 ? ".SH \"" : ".SS \"");
	roff(clean(h));
	puts("\"");
	M.pp = 0;
	M.fresh = 1;
	M.list = 0;
}

/* A code line in no-fill mode; in the SYNOPSIS the tool's name becomes
 * the installed one. */
static void man_code(const char *line, const char *section)
{
	size_t t = strlen(M.tool);

	if (*line == '\0') {
		puts(".sp");
		return;
	}
	if (!strcmp(section, "SYNOPSIS") && !strncmp(line, M.tool, t) &&
	    line[t] == ' ') {
		fputs(M.name, stdout);
		line += t;
	}
	roff(line);
	putchar('\n');
}

/* A list item ("- ", "N. "), or NULL when line is not one. */
static char *item(char *line)
{
	char *s = line + strspn(line, " ");
	size_t d = strspn(s, "0123456789");

	if (s[0] == '-' && s[1] == ' ') {
		M.pp = M.fresh = 0;
		puts(".IP \\(bu 2");
		return s + 2;
	}
	if (d > 0 && s[d] == '.' && s[d + 1] == ' ') {
		M.pp = M.fresh = 0;
		printf(".IP %.*s. 4\n", (int)d, s);
		return s + d + 2;
	}
	return NULL;
}

/* The title line "# gen(1) — purpose" (or "# Event format v1") as the
 * page's header and NAME section. */
static void man_title(char *title, const char *section, const char *version,
		      const char *date)
{
	char *purpose = title + strspn(title, "# "),
	     *dash = strstr(title, " \xe2\x80\x94 ");
	const char *c;

	if (dash)
		purpose = dash + 5;
	printf(".\\\" Generated from docs/%s.md by src/mkhelp: do not edit.\n",
	       M.tool);
	fputs(".TH \"", stdout);
	for (c = M.name; *c; c++)
		putchar(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
	printf("\" %s \"%s\" \"tokbench %s\" \"tokbench manual\"\n", section,
	       date, version);
	printf(".SH NAME\n%s \\- ", M.name);
	text(purpose);
}

static void man_line(char *line, const char *section, int *blank)
{
	int was_blank = *blank;
	char *it;

	*blank = 0;
	if (M.code == 2) { /* an indented block ends at a line that is not */
		if (!strncmp(line, "    ", 4)) {
			man_code(line + 4, section);
			return;
		}
		puts(".fi");
		M.code = 0;
		M.pp = 1;
	}
	if (!strncmp(line, "```", 3)) {
		M.code = !M.code;
		if (M.code)
			para();
		puts(M.code ? ".nf" : ".fi");
		M.pp = !M.code;
		return;
	}
	if (M.code) {
		man_code(line, section);
		return;
	}
	if (*line == '\0') {
		*blank = 1;
		M.pp = 1;
		M.list = 0;
		M.nhead = 0;
		return;
	}
	if (line[0] == '#') {
		man_heading(line);
	} else if (line[0] == '|') {
		if (strncmp(line, "|---", 4) && strncmp(line, "|:--", 4))
			man_row(line);
	} else if (!strncmp(line, "    ", 4) && was_blank && !M.list) {
		para();
		puts(".nf");
		man_code(line + 4, section);
		M.code = 2;
	} else if ((it = item(line)) != NULL) {
		M.list = 1;
		text(it);
	} else {
		if (!M.list)
			para();
		text(line);
	}
}

/* -m NAME SECTION VERSION DATE docs/PAGE.md: the page in man(7). */
static int man_main(char **argv)
{
	char line[8192], section[64] = "", tool[128], *base, *dot;
	int nr = 0, blank = 1;
	FILE *f;

	if ((f = fopen(argv[6], "r")) == NULL) {
		perror(argv[6]);
		return 1;
	}
	base = strrchr(argv[6], '/');
	snprintf(tool, sizeof tool, "%s", base ? base + 1 : argv[6]);
	if ((dot = strrchr(tool, '.')) != NULL)
		*dot = '\0';
	M.name = argv[2];
	M.tool = tool;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (++nr == 1) {
			man_title(line, argv[3], argv[4], argv[5]);
			continue;
		}
		if (!strncmp(line, "## ", 3) && !M.code)
			snprintf(section, sizeof section, "%.63s", line + 3);
		man_line(line, section, &blank);
	}
	fclose(f);
	if (M.code)
		puts(".fi");
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	char line[8192], section[64] = "", usage[16384] = "", end[300];
	FILE *f;
	int nr = 0;

	if (argc == 7 && !strcmp(argv[1], "-m"))
		return man_main(argv);
	if (argc != 3) {
		fputs("usage: mkhelp TOOL docs/TOOL.md\n"
		      "       mkhelp -m NAME SECTION VERSION DATE "
		      "docs/PAGE.md\n",
		      stderr);
		return 2;
	}
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (++nr == 1) {
			header(argv[1], line);
		} else if (!strcmp(section, "SYNOPSIS") &&
			   !strncmp(line, "    ", 4)) {
			size_t u = strlen(usage);
			if (u + strlen(line) + 8 <
			    sizeof usage) /* else cut: it never is */
				sprintf(usage + u, "%s%s\n",
					u ? "       " : "usage: ", line + 4);
		} else if (!strncmp(line, "## ", 3)) {
			snprintf(section, sizeof section, "%.63s", line + 3);
			if (!strcmp(section, "OPTIONS") ||
			    !strcmp(section, "ENVIRONMENT")) {
				emit("");
				emit(!strcmp(section, "OPTIONS")
					 ? "options:"
					 : "environment:");
			}
		} else if ((!strcmp(section, "OPTIONS") ||
			    !strcmp(section, "ENVIRONMENT")) &&
			   !strncmp(line, "| ", 2) &&
			   strncmp(line, "|---", 4)) {
			row(line);
		}
	}
	fclose(f);
	emit("");
	snprintf(end, sizeof end,
		 "manual: docs/%.100s.md (installed: "
		 "share/doc/tokbench/%.100s.md)",
		 argv[1], argv[1]);
	emit(end);
	fputs("\tNULL\n};\n", stdout);
	synopsis(usage);
	return fflush(stdout) == 0 ? 0 : 1;
}

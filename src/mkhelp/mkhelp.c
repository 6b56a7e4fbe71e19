/* mkhelp: a tool's -h text from its manual page (docs/TOOL.md), as a C
 * header, so that -h, usage errors and the manual never disagree: the
 * SYNOPSIS as the usage line, the title's purpose, the OPTIONS and
 * ENVIRONMENT tables, and where the manual is.  Built and run at build
 * time only (Makefile, scripts/cross-macos.sh).
 *   mkhelp TOOL docs/TOOL.md > help.h
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

int main(int argc, char **argv)
{
	char line[8192], section[64] = "", usage[16384] = "", end[300];
	FILE *f;
	int nr = 0;

	if (argc != 3) {
		fputs("usage: mkhelp TOOL docs/TOOL.md\n", stderr);
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

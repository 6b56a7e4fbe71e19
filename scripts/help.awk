# help.awk: a tool's -h text from its manual page (docs/TOOL.md): the
# SYNOPSIS as the usage line, the title's purpose, the OPTIONS and
# ENVIRONMENT tables, and where the manual is, as a C header, so that -h,
# usage errors and the manual never disagree.
#   awk -v tool=gen -f scripts/help.awk docs/gen.md > help.h
function clean(s) {
	gsub(/`/, "", s)
	gsub(/\\\|/, "|", s)
	gsub(/\*\*/, "", s)
	while (match(s, /\[[^]]*\]\([^)]*\)/)) { # [text](link) -> text
		t = substr(s, RSTART + 1, RLENGTH)
		sub(/\]\(.*/, "", t)
		s = substr(s, 1, RSTART - 1) t substr(s, RSTART + RLENGTH)
	}
	sub(/^ +/, "", s)
	sub(/ +$/, "", s)
	return s
}
function cstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return s
}
function emit(s) { printf "\t\"%s\",\n", cstr(s) }
# wraps text at 78 columns behind an indent of 6
function wrapped(text,    n, w, i, line) {
	n = split(text, w, / +/)
	line = "     "
	for (i = 1; i <= n; i++) {
		if (length(line) + 1 + length(w[i]) > 78 && line != "     ") {
			emit(line)
			line = "     "
		}
		line = line " " w[i]
	}
	if (line != "     ")
		emit(line)
}
NR == 1 {
	purpose = $0
	sub(/^# [^ ]* — /, "", purpose)
	print "/* Generated from docs/" tool ".md by scripts/help.awk: do not edit. */"
	print "static const char *const tool_help[] = {"
	emit(tool ": " purpose)
	next
}
section == "SYNOPSIS" && /^    / {
	line = substr($0, 5)
	usage = usage (usage == "" ? "usage: " : "       ") line "\n"
	next
}
/^## / {
	section = $0
	sub(/^## /, "", section)
	if (section == "OPTIONS" || section == "ENVIRONMENT") {
		emit("")
		emit(tolower(section) ":")
	}
	next
}
(section == "OPTIONS" || section == "ENVIRONMENT") && /^\| / && !/^\|---/ {
	line = $0
	gsub(/\\\|/, "\001", line) # an escaped | inside a cell
	n = split(line, c, /\|/)
	if (n < 4)
		next
	name = c[2]; meaning = c[3]
	gsub(/\001/, "|", name); gsub(/\001/, "|", meaning)
	name = clean(name); meaning = clean(meaning)
	if (name == "option" || name == "variable")
		next # the header row
	emit("  " name)
	wrapped(meaning)
}
END {
	emit("")
	emit("manual: docs/" tool ".md (installed: share/doc/tokbench/" tool ".md)")
	print "\tNULL"
	print "};"
	gsub(/\\/, "\\\\", usage)
	gsub(/"/, "\\\"", usage)
	gsub(/\n/, "\\n\"\n\t\"", usage)
	print "static const char tool_synopsis[] =\n\t\"" usage "\";"
}

/* hostinfo: what machine a run was measured on. */
#include "hostinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

int hostinfo_parse_cpuinfo(const char *text, char *out, int outlen)
{
	static const char *const keys[] = {"model name", "Hardware",
					   "cpu model", NULL};
	int k;

	for (k = 0; keys[k]; k++) {
		const char *p = text;
		size_t kl = strlen(keys[k]);
		while ((p = strstr(p, keys[k])) != NULL) {
			if (p == text || p[-1] == '\n') {
				const char *colon = strchr(p + kl, ':');
				const char *eol = strchr(p, '\n');
				if (colon && (!eol || colon < eol)) {
					colon++;
					while (*colon == ' ' || *colon == '\t')
						colon++;
					int n = eol ? (int)(eol - colon)
						    : (int)strlen(colon);
					snprintf(out, (size_t)outlen, "%.*s", n,
						 colon);
					return 0;
				}
			}
			p += kl;
		}
	}
	return -1;
}

#if defined(__linux__)
static void os_specific(struct hostinfo *h)
{
	char buf[16384];
	FILE *f = fopen("/proc/cpuinfo", "r");
	size_t n;

	if (f != NULL) {
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		hostinfo_parse_cpuinfo(buf, h->cpu, sizeof h->cpu);
	}
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	if (pages > 0 && psize > 0)
		h->mem_total = (uint64_t)pages * (uint64_t)psize;
}
#elif defined(__APPLE__)
static void os_specific(struct hostinfo *h)
{
	size_t len = sizeof h->cpu;
	uint64_t mem = 0;
	int wired = 0;

	if (sysctlbyname("machdep.cpu.brand_string", h->cpu, &len, NULL, 0))
		h->cpu[0] = '\0';
	len = sizeof mem;
	if (sysctlbyname("hw.memsize", &mem, &len, NULL, 0) == 0)
		h->mem_total = mem;
	/* 0 means the macOS default limit (about 2/3 to 3/4 of memory). */
	len = sizeof wired;
	if (sysctlbyname("iogpu.wired_limit_mb", &wired, &len, NULL, 0) == 0)
		h->wired_limit_mb = wired;
}
#else
static void os_specific(struct hostinfo *h)
{
	(void)h;
}
#endif

void hostinfo_get(struct hostinfo *h)
{
	struct utsname u;

	memset(h, 0, sizeof *h);
	h->wired_limit_mb = -1;
	if (uname(&u) == 0) {
		snprintf(h->os, sizeof h->os, "%s", u.sysname);
		snprintf(h->os_release, sizeof h->os_release, "%s", u.release);
		snprintf(h->arch, sizeof h->arch, "%s", u.machine);
	}
	if (gethostname(h->hostname, sizeof h->hostname) != 0)
		h->hostname[0] = '\0';
	h->hostname[sizeof h->hostname - 1] = '\0';
	h->ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	os_specific(h);
}

void hostinfo_write(jw *w)
{
	struct hostinfo h;

	hostinfo_get(&h);
	jw_obj_open(w, "host");
	jw_str(w, "os", h.os);
	jw_str(w, "os_release", h.os_release);
	jw_str(w, "arch", h.arch);
	jw_str(w, "cpu", h.cpu);
	jw_int(w, "ncpu", h.ncpu);
	jw_int(w, "mem_total_bytes", (long long)h.mem_total);
	jw_str(w, "hostname", h.hostname);
	if (h.wired_limit_mb >= 0)
		jw_int(w, "wired_limit_mb", h.wired_limit_mb);
	jw_obj_close(w);
}

/* ioreport: IOReport's energy counters on macOS (see ioreport.h).
 *
 * The calls and their order are macmon's (github.com/vladkens/macmon,
 * src/sources.rs at 905e0ca3e3449e02825bb7594464b3a202647ca9):
 * IOReportCopyChannelsInGroup("Energy Model", NULL, 0, 0, 0), a mutable
 * copy of it, IOReportCreateSubscription(NULL, chan, &subbed, 0, NULL),
 * then per sample IOReportCreateSamples(sub, chan, NULL) and
 * IOReportCreateSamplesDelta(prev, cur, NULL), whose "IOReportChannels"
 * array holds one dictionary per channel: its group, name and unit label
 * (IOReportChannelGet*) and its energy (IOReportSimpleGetIntegerValue(ch,
 * 0)).  The prototypes are declared here, as macmon declares them, since
 * Apple ships no header for a private library. */
#include "ioreport.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__APPLE__)
#include <dlfcn.h>

/* CoreFoundation's types, opaque here: every object is a pointer. */
typedef const void *cfref;
typedef long cfindex;
#define CF_UTF8 0x08000100u /* kCFStringEncodingUTF8 */

/* Every call, found by name at open. */
struct calls {
	cfref (*str_new)(cfref alloc, const char *s, uint32_t enc);
	unsigned char (*str_get)(cfref str, char *buf, cfindex len,
				 uint32_t enc);
	void (*release)(cfref obj);
	cfindex (*dict_count)(cfref dict);
	cfref (*dict_copy)(cfref alloc, cfindex cap, cfref dict);
	cfref (*dict_get)(cfref dict, const void *key);
	cfindex (*arr_count)(cfref arr);
	cfref (*arr_get)(cfref arr, cfindex i);
	cfref (*in_group)(cfref group, cfref subgroup, uint64_t a, uint64_t b,
			  uint64_t c);
	cfref (*subscribe)(const void *a, cfref chan, cfref *subbed, uint64_t d,
			   cfref e);
	cfref (*samples)(cfref sub, cfref chan, cfref a);
	cfref (*delta)(cfref prev, cfref cur, cfref a);
	cfref (*ch_group)(cfref ch);
	cfref (*ch_name)(cfref ch);
	cfref (*ch_unit)(cfref ch);
	int64_t (*ch_int)(cfref ch, int32_t i);
};

struct ioreport {
	void *cf, *lib;
	struct calls f;
	cfref chan, sub, prev, key; /* key: "IOReportChannels" */
};

/* One symbol into a function pointer: through memcpy, since ISO C has no
 * conversion from dlsym's object pointer to a function pointer. */
static int sym(void *lib, const char *name, void *fp, size_t len)
{
	void *p = dlsym(lib, name);

	if (p == NULL)
		return -1;
	memcpy(fp, &p, len);
	return 0;
}

#define SYM(lib, name, field) sym(lib, name, &r->f.field, sizeof r->f.field)

static int load(ioreport *r)
{
	void *cf = r->cf, *io = r->lib;

	return SYM(cf, "CFStringCreateWithCString", str_new) |
	       SYM(cf, "CFStringGetCString", str_get) |
	       SYM(cf, "CFRelease", release) |
	       SYM(cf, "CFDictionaryGetCount", dict_count) |
	       SYM(cf, "CFDictionaryCreateMutableCopy", dict_copy) |
	       SYM(cf, "CFDictionaryGetValue", dict_get) |
	       SYM(cf, "CFArrayGetCount", arr_count) |
	       SYM(cf, "CFArrayGetValueAtIndex", arr_get) |
	       SYM(io, "IOReportCopyChannelsInGroup", in_group) |
	       SYM(io, "IOReportCreateSubscription", subscribe) |
	       SYM(io, "IOReportCreateSamples", samples) |
	       SYM(io, "IOReportCreateSamplesDelta", delta) |
	       SYM(io, "IOReportChannelGetGroup", ch_group) |
	       SYM(io, "IOReportChannelGetChannelName", ch_name) |
	       SYM(io, "IOReportChannelGetUnitLabel", ch_unit) |
	       SYM(io, "IOReportSimpleGetIntegerValue", ch_int);
}

/* The Energy Model group's channels and a subscription to them. */
static int subscribe(ioreport *r, char *why, size_t len)
{
	cfref group = r->f.str_new(NULL, "Energy Model", CF_UTF8),
	      subbed = NULL;
	cfref found = group ? r->f.in_group(group, NULL, 0, 0, 0) : NULL;

	if (group)
		r->f.release(group);
	if (found == NULL) {
		snprintf(why, len, "no \"Energy Model\" channel group");
		return -1;
	}
	r->chan = r->f.dict_copy(NULL, r->f.dict_count(found), found);
	r->f.release(found);
	r->key = r->f.str_new(NULL, "IOReportChannels", CF_UTF8);
	if (r->chan == NULL || r->key == NULL ||
	    r->f.dict_get(r->chan, r->key) == NULL) {
		snprintf(why, len, "the Energy Model group has no channel");
		return -1;
	}
	r->sub = r->f.subscribe(NULL, r->chan, &subbed, 0, NULL);
	if (r->sub == NULL) {
		snprintf(why, len, "IOReportCreateSubscription failed");
		return -1;
	}
	r->prev = r->f.samples(r->sub, r->chan, NULL);
	return 0;
}

ioreport *ioreport_open(char *why, size_t len)
{
	ioreport *r = calloc(1, sizeof *r);

	if (r == NULL) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	r->cf = dlopen("/System/Library/Frameworks/CoreFoundation.framework/"
		       "CoreFoundation",
		       RTLD_LAZY | RTLD_LOCAL);
	r->lib = dlopen("/usr/lib/libIOReport.dylib", RTLD_LAZY | RTLD_LOCAL);
	if (r->cf == NULL || r->lib == NULL) {
		snprintf(why, len, "cannot open %s",
			 r->lib == NULL ? "/usr/lib/libIOReport.dylib"
					: "CoreFoundation");
		ioreport_close(r);
		return NULL;
	}
	if (load(r) != 0) {
		snprintf(why, len, "libIOReport lacks a call macmon uses");
		ioreport_close(r);
		return NULL;
	}
	if (subscribe(r, why, len) != 0) {
		ioreport_close(r);
		return NULL;
	}
	return r;
}

/* A CFString into buf ("" when absent or too long). */
static const char *text(ioreport *r, cfref s, char *buf, size_t len)
{
	buf[0] = '\0';
	if (s == NULL || !r->f.str_get(s, buf, (cfindex)len, CF_UTF8))
		buf[0] = '\0';
	return buf;
}

int ioreport_read(ioreport *r, double dt, double w[POWPARSE_IOR_N])
{
	struct powparse_ior acc;
	char g[64], name[96], unit[16];
	cfref cur = r->f.samples(r->sub, r->chan, NULL), d, arr;
	cfindex i, n;

	powparse_ior_init(&acc);
	d = cur && r->prev ? r->f.delta(r->prev, cur, NULL) : NULL;
	if (r->prev)
		r->f.release(r->prev);
	r->prev = cur;
	if (d == NULL)
		return powparse_ior_watts(&acc, 0, w);
	arr = r->f.dict_get(d, r->key);
	n = arr ? r->f.arr_count(arr) : 0;
	for (i = 0; i < n; i++) {
		cfref ch = r->f.arr_get(arr, i);
		powparse_ior_add(&acc, text(r, r->f.ch_group(ch), g, sizeof g),
				 text(r, r->f.ch_name(ch), name, sizeof name),
				 text(r, r->f.ch_unit(ch), unit, sizeof unit),
				 r->f.ch_int(ch, 0));
	}
	r->f.release(d);
	return powparse_ior_watts(&acc, dt, w);
}

void ioreport_close(ioreport *r)
{
	if (r == NULL)
		return;
	if (r->f.release) {
		cfref own[] = {r->prev, r->sub, r->chan, r->key};
		size_t i;
		for (i = 0; i < sizeof own / sizeof *own; i++)
			if (own[i])
				r->f.release(own[i]);
	}
	if (r->lib)
		dlclose(r->lib);
	if (r->cf)
		dlclose(r->cf);
	free(r);
}
#else
struct ioreport {
	int unused;
};

ioreport *ioreport_open(char *why, size_t len)
{
	snprintf(why, len, "IOReport is macOS's alone");
	return NULL;
}

int ioreport_read(ioreport *r, double dt, double w[POWPARSE_IOR_N])
{
	int k;

	(void)r;
	(void)dt;
	for (k = 0; k < POWPARSE_IOR_N; k++)
		w[k] = -1;
	return -1;
}

void ioreport_close(ioreport *r)
{
	free(r);
}
#endif

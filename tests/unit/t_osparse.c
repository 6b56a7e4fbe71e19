/* Unit tests of lib/osparse on captured (and documented-format) output. */
#include "tap.h"
#include "fileio.h"
#include "osparse.h"

#include <stdlib.h>

static char *fixture(const char *name, size_t *n)
{
	char path[256];

	snprintf(path, sizeof path, "%s/os/%s", FIXTURES, name);
	return fileio_slurp(path, 1 << 20, n);
}

static void test_proc_stat(void)
{
	size_t n;
	char *s = fixture("linux-stat-parens.txt", &n), comm[64];
	long ppid = 0;

	CHECK_INT(osparse_proc_stat(s, n, &ppid, comm, sizeof comm), 0);
	CHECK_STR(comm, "llama (srv) x");
	CHECK_INT(ppid, 1);
	free(s);
	s = fixture("linux-stat.txt", &n);
	CHECK_INT(osparse_proc_stat(s, n, &ppid, comm, sizeof comm), 0);
	CHECK_STR(comm, "cat");
	CHECK(ppid > 1);
	free(s);
	CHECK_INT(osparse_proc_stat("garbage", 7, &ppid, comm, sizeof comm),
		  -1);
	CHECK_INT(osparse_proc_stat("1 (x) ", 6, &ppid, comm, sizeof comm), -1);
}

static void test_status_meminfo_smaps(void)
{
	size_t n;
	char *s = fixture("linux-status.txt", &n);
	struct osparse_status st;
	struct osparse_meminfo m;
	int64_t pss;

	CHECK_INT(osparse_proc_status(s, n, &st), 0);
	CHECK_INT(st.rss, 2052 * 1024LL);
	CHECK_INT(st.anon, 160 * 1024LL);
	CHECK_INT(st.file, 1892 * 1024LL);
	CHECK_INT(st.swap, 0);
	CHECK_INT(st.hwm, 2052 * 1024LL);
	free(s);
	/* The peak is its own line, not the current size. */
	CHECK_INT(
	    osparse_proc_status(
		"Name:\tx\nVmHWM:\t  9000 kB\nVmRSS:\t 100 kB\n", 40, &st),
	    0);
	CHECK_INT(st.hwm, 9000 * 1024LL);
	CHECK_INT(st.rss, 100 * 1024LL);
	s = fixture("linux-meminfo.txt", &n);
	CHECK_INT(osparse_meminfo(s, n, &m), 0);
	CHECK(m.total > 1000000000LL && m.available > 0 &&
	      m.available <= m.total);
	CHECK(m.swap_total >= 0 && m.swap_free >= 0);
	free(s);
	s = fixture("linux-smaps_rollup.txt", &n);
	CHECK_INT(osparse_smaps_pss(s, n, &pss), 0);
	CHECK_INT(pss, 205 * 1024LL);
	free(s);
	/* A zombie's status has no VmRSS: parsed, with rss unknown. */
	CHECK_INT(osparse_proc_status("Name:\tz\nState:\tZ\n", 17, &st), 0);
	CHECK_INT(st.rss, -1);
	CHECK_INT(osparse_meminfo("nothing", 7, &m), -1);
	/* Found by fuzzing: digits past any real size overflowed. */
	const char *huge = "Name:\tx\nVmRSS:\t7777777777777777777777 kB\n";
	CHECK_INT(osparse_proc_status(huge, strlen(huge), &st), 0);
	CHECK_INT(st.rss, -1);
}

static void test_pid_list(void)
{
	long p[4];

	CHECK_INT(osparse_pid_list("12 345 6 ", 9, p, 4), 3);
	CHECK_INT(p[1], 345);
	CHECK_INT(osparse_pid_list("", 0, p, 4), 0);
	CHECK_INT(osparse_pid_list("1 2 3 4 5 6", 11, p, 4), 4);
	CHECK_INT(osparse_pid_list("12 x3", 5, p, 4), -1);
	CHECK_INT(osparse_pid_list("99999999999999999999999", 23, p, 4), -1);
}

#define NV_MEM "index,name,memory.used,memory.total,power.draw"
#define NV_POW                                                                 \
	"index,name,power.draw,temperature.gpu,clocks_throttle_reasons.active"

static char *power_fixture(const char *name, size_t *n)
{
	char path[256];

	snprintf(path, sizeof path, "%s/power/%s", FIXTURES, name);
	return fileio_slurp(path, 1 << 20, n);
}

/* The memory query's lines (--gpu as it was asked alone). */
static void test_nvidia_smi(void)
{
	size_t n;
	char *s = fixture("nvidia-smi.csv", &n);
	struct osparse_gpu g[4];

	CHECK_INT(osparse_nvidia_smi(NV_MEM, s, n, g, 4), 2);
	CHECK_INT(g[0].index, 0);
	CHECK_STR(g[0].name, "NVIDIA A100-SXM4-80GB");
	CHECK_INT(g[0].used, 1024 * 1048576LL);
	CHECK_INT(g[0].total, 81920 * 1048576LL);
	CHECK_NEAR(g[0].power_w, 65.43, 1e-9);
	CHECK_INT(g[1].used, 70000 * 1048576LL);
	CHECK_NEAR(g[1].power_w, -1, 0); /* [N/A] */
	CHECK_NEAR(g[1].temp_c, -1, 0);	 /* not asked */
	CHECK_INT(g[1].throttled, -1);
	free(s);
	CHECK_INT(osparse_nvidia_smi(NV_MEM, "0, x, 1\n", 8, g, 4), -1);
	CHECK_INT(
	    osparse_nvidia_smi(NV_MEM, "0, \"A, B\", 1, 2, 3\n", 19, g, 4), 1);
	CHECK_STR(g[0].name, "A, B");
	CHECK_INT(osparse_nvidia_smi(NV_MEM, "", 0, g, 4), 0);
	/* Found by fuzzing: 1e93 MiB overflowed the conversion to bytes. */
	CHECK_INT(osparse_nvidia_smi(NV_MEM, "0, x, 1e93, 2, 3\n", 17, g, 4),
		  -1);
	CHECK_INT(osparse_nvidia_smi(NV_MEM, "0, x, -5, 2, 3\n", 15, g, 4), -1);
	CHECK_INT(osparse_nvidia_smi("", "0\n", 2, g, 4), -1);
}

/* The power query's lines (--power as it was asked alone). */
static void test_nvidia_power(void)
{
	size_t n;
	char *s = power_fixture("nvidia-smi-power.csv", &n);
	struct osparse_gpu g[8];

	CHECK_INT(osparse_nvidia_smi(NV_POW, s, n, g, 8), 4);
	CHECK_INT(g[0].index, 0);
	CHECK_STR(g[0].name, "NVIDIA A100-SXM4-80GB");
	CHECK_NEAR(g[0].power_w, 312.45, 1e-9);
	CHECK_NEAR(g[0].temp_c, 71, 1e-9);
	CHECK_INT(g[0].throttled, 0);
	CHECK_INT(g[0].used, -1); /* not asked */
	CHECK_INT(g[1].reasons, 0x60);
	CHECK_INT(g[1].throttled, 1);
	CHECK_INT(g[2].throttled, 0); /* idle is not a throttle */
	/* a GPU that reports nothing: each figure unknown, never 0 */
	CHECK_NEAR(g[3].power_w, -1, 0);
	CHECK_NEAR(g[3].temp_c, -1, 0);
	CHECK_INT(g[3].throttled, -1);
	CHECK_INT(g[3].reasons, -1);
	free(s);
	CHECK_INT(osparse_nvidia_smi(NV_POW, "z, x, 1, 2, 0x0\n", 16, g, 8),
		  -1);
	CHECK_INT(osparse_nvidia_smi(NV_POW, "0, x, 1, 2, 0xzz\n", 17, g, 8),
		  -1);
}

/* The one query memsample makes, every field: memory and power from one
 * line, parsed once. */
static void test_nvidia_all(void)
{
	size_t n;
	char *s = fixture("nvidia-smi-all.csv", &n);
	struct osparse_gpu g[8];

	CHECK_INT(osparse_nvidia_smi(OSPARSE_NV_FIELDS, s, n, g, 8), 3);
	CHECK_INT(g[0].used, 20480 * 1048576LL);
	CHECK_INT(g[0].total, 81920 * 1048576LL);
	CHECK_NEAR(g[0].power_w, 312.45, 1e-9);
	CHECK_NEAR(g[0].temp_c, 71, 1e-9);
	CHECK_INT(g[0].throttled, 0);
	CHECK_INT(g[1].reasons, 0x4); /* SW power cap */
	CHECK_INT(g[1].throttled, 1);
	/* memory reported as a word: unknown, the rest still read */
	CHECK_INT(g[2].used, -1);
	CHECK_INT(g[2].total, 81559 * 1048576LL);
	CHECK_NEAR(g[2].power_w, 88.1, 1e-9);
	CHECK_INT(g[2].throttled, 0);
	free(s);
	/* the newer name of the reasons field reads the same */
	CHECK_INT(osparse_nvidia_smi("index,clocks_event_reasons.active",
				     "3, 0x0000000000000008\n", 22, g, 8),
		  1);
	CHECK_INT(g[0].index, 3);
	CHECK_INT(g[0].throttled, 1);
	/* a field it does not know is skipped, not misread */
	CHECK_INT(osparse_nvidia_smi("index,fan.speed,power.draw",
				     "1, 40, 9.5\n", 11, g, 8),
		  1);
	CHECK_NEAR(g[0].power_w, 9.5, 1e-9);
}

static void test_ioreg(void)
{
	size_t n;
	char *s = fixture("ioreg-agx.txt", &n), model[64];
	int64_t used;

	CHECK_INT(osparse_ioreg_gpu(s, n, &used, model, sizeof model), 0);
	/* not "In use system memory (driver)"=0, which comes first */
	CHECK_INT(used, 145963376640LL);
	CHECK_STR(model, "Apple M3 Ultra");
	free(s);
	CHECK_INT(osparse_ioreg_gpu("no gpu", 6, &used, model, sizeof model),
		  -1);
	/* Found by fuzzing: a number at the very end was read past it. */
	char cut[] = "\"In use system memory\"=12345";
	CHECK_INT(
	    osparse_ioreg_gpu(cut, sizeof cut - 3, &used, model, sizeof model),
	    0);
	CHECK_INT(used, 123);
}

static void test_vm_stat(void)
{
	size_t n;
	char *s = fixture("vm_stat.txt", &n);
	struct osparse_vm_counts c;
	struct osparse_darwin_mem m;
	const int64_t total = 549755813888LL; /* 512 GiB */

	CHECK_INT(osparse_vm_stat(s, n, &c), 0);
	CHECK_INT(c.page_size, 16384);
	CHECK_INT(c.free, 95712);
	CHECK_INT(c.active, 6702871);
	CHECK_INT(c.inactive, 6598310);
	CHECK_INT(c.speculative, 40121);
	CHECK_INT(c.wired, 11850093);
	/* not "Pages stored in compressor" (512880), which comes first */
	CHECK_INT(c.compressed, 130407);
	osparse_darwin_mem(&c, total, &m);
	/* worked by hand: pages x 16384 */
	CHECK_INT(m.wired, 194151923712LL);
	CHECK_INT(m.compressed, 2136588288LL);
	CHECK_INT(m.used, 109819838464LL + 194151923712LL + 2136588288LL);
	CHECK_INT(m.available, total - m.used);
	free(s);
	CHECK_INT(osparse_vm_stat("Pages active: 5.\n", 16, &c),
		  -1); /* no header */
	CHECK_INT(osparse_vm_stat("(page size of 4096 bytes)\nPages free: 1.\n",
				  41, &c),
		  -1);
	/* counts that would overflow the byte figures are refused */
	const char *big =
	    "(page size of 4096 bytes)\nPages active: 99999999999999.\n"
	    "Pages wired down: 1.\n";
	CHECK_INT(osparse_vm_stat(big, strlen(big), &c), -1);
	const char *ok = "(page size of 4096 bytes)\nPages active: 2.\nPages "
			 "wired down: 1.\n";
	CHECK_INT(osparse_vm_stat(ok, strlen(ok), &c), 0);
	CHECK_INT(c.compressed, -1); /* absent: -1, and counted as none */
	osparse_darwin_mem(&c, 1 << 20, &m);
	CHECK_INT(m.used, 3 * 4096);
}

static void test_tcp_listeners(void)
{
	size_t n;
	char *s = fixture("linux-net-tcp.txt", &n), *s6;
	unsigned long ino[4];

	CHECK_INT(osparse_tcp_listeners(s, n, 36779, ino, 4), 1);
	CHECK_INT(ino[0], 561875);
	CHECK_INT(osparse_tcp_listeners(s, n, 2024, ino, 4), 1);
	CHECK_INT(ino[0], 504);
	/* a port that only appears in established connections is no listener */
	CHECK_INT(osparse_tcp_listeners(s, n, 0xB3C2, ino, 4), 0);
	CHECK_INT(osparse_tcp_listeners(s, n, 1, ino, 4), 0);
	s6 = fixture("linux-net-tcp6.txt", &n);
	CHECK_INT(osparse_tcp_listeners(s6, n, 34451, ino, 4), 1);
	CHECK_INT(ino[0], 563541);
	CHECK_INT(osparse_tcp_listeners("garbage\n", 8, 80, ino, 4), -1);
	CHECK_INT(osparse_socket_inode("socket:[561875]"), 561875);
	CHECK_INT(osparse_socket_inode("socket:[12"), 0);
	CHECK_INT(osparse_socket_inode("pipe:[3]"), 0);
	CHECK_INT(osparse_socket_inode("/dev/null"), 0);
	free(s);
	free(s6);
}

int main(void)
{
	RUN(test_proc_stat);
	RUN(test_status_meminfo_smaps);
	RUN(test_pid_list);
	RUN(test_nvidia_smi);
	RUN(test_nvidia_power);
	RUN(test_nvidia_all);
	RUN(test_ioreg);
	RUN(test_vm_stat);
	RUN(test_tcp_listeners);
	return DONE();
}

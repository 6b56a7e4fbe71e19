/* procmem: process and system memory; one implementation per OS. */
#include "procmem.h"
#include "osparse.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#if defined(__linux__)

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"

/* Reads a small procfs file into buf; returns its length or -1. */
static ssize_t read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((size_t)got < cap - 1 &&
	       (n = read(fd, buf + got, cap - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

int procmem_usage(pid_t pid, int want_pss, struct procmem_usage *u)
{
	char path[64], buf[4096];
	struct osparse_status st;
	ssize_t n;

	memset(u, 0xff, sizeof *u); /* every field -1 */
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((n = read_small(path, buf, sizeof buf)) < 0) {
		errno = errno == ENOENT ? ESRCH : errno;
		return -1;
	}
	if (osparse_proc_status(buf, (size_t)n, &st) != 0) {
		errno = ESRCH;
		return -1;
	}
	u->rss = st.rss < 0 ? 0 : st.rss;
	u->anon = st.anon;
	u->file = st.file;
	u->swap = st.swap;
	u->hwm = st.hwm;
	if (want_pss) {
		snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
		/* Not permitted (another user's process): pss stays -1. */
		if ((n = read_small(path, buf, sizeof buf)) > 0)
			osparse_smaps_pss(buf, (size_t)n, &u->pss);
	}
	return 0;
}

int procmem_children(pid_t pid, pid_t *out, int cap)
{
	char path[96], buf[8192];
	long kids[1024];
	struct dirent *e;
	DIR *d;
	int k = 0, i, m;
	ssize_t n;

	/* Each thread lists the children it forked. */
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL) {
		errno = ESRCH;
		return -1;
	}
	while ((e = readdir(d)) != NULL && k < cap) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.20s/children",
			 (int)pid, e->d_name);
		if ((n = read_small(path, buf, sizeof buf)) <= 0)
			continue;
		m = osparse_pid_list(buf, (size_t)n, kids, 1024);
		for (i = 0; i < m && k < cap; i++)
			out[k++] = (pid_t)kids[i];
	}
	closedir(d);
	return k;
}

int procmem_find(const char *name, pid_t *out, int cap)
{
	char path[64], buf[512], comm[256];
	struct dirent *e;
	long ppid;
	DIR *d = opendir("/proc");
	int k = 0;
	ssize_t n;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && k < cap) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof path, "/proc/%.20s/stat", e->d_name);
		if ((n = read_small(path, buf, sizeof buf)) <= 0)
			continue;
		if (osparse_proc_stat(buf, (size_t)n, &ppid, comm,
				      sizeof comm) == 0 &&
		    strcmp(comm, name) == 0)
			out[k++] = (pid_t)atol(e->d_name);
	}
	closedir(d);
	return k;
}

/* The listening sockets' inodes for port, from /proc/net/tcp and tcp6. */
static int listen_inodes(int port, unsigned long *ino, int cap)
{
	static const char *const files[] = {"/proc/net/tcp", "/proc/net/tcp6"};
	char *text;
	size_t n;
	int i, k = 0, got;

	for (i = 0; i < 2 && k < cap; i++) {
		text = fileio_slurp(files[i], 64 << 20, &n);
		if (text == NULL)
			continue;
		got = osparse_tcp_listeners(text, n, port, ino + k, cap - k);
		free(text);
		if (got > 0)
			k += got;
	}
	return k;
}

/* Whether process dir (/proc/PID) holds one of the sockets. */
static int holds_socket(const char *pid, const unsigned long *ino, int n)
{
	char path[96], link[64];
	struct dirent *e;
	DIR *d;
	ssize_t len;
	int i, found = 0;

	snprintf(path, sizeof path, "/proc/%.20s/fd", pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while (!found && (e = readdir(d)) != NULL) {
		snprintf(path, sizeof path, "/proc/%.20s/fd/%.20s", pid,
			 e->d_name);
		len = readlink(path, link, sizeof link - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		unsigned long v = osparse_socket_inode(link);
		for (i = 0; v != 0 && i < n; i++)
			found |= v == ino[i];
	}
	closedir(d);
	return found;
}

int procmem_listener(int port, pid_t *out, int cap)
{
	unsigned long ino[16];
	int n = listen_inodes(port, ino, 16), k = 0;
	struct dirent *e;
	DIR *d;

	if (n <= 0 || (d = opendir("/proc")) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && k < cap)
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    holds_socket(e->d_name, ino, n))
			out[k++] = (pid_t)atol(e->d_name);
	closedir(d);
	return k;
}

int procmem_alive(pid_t pid)
{
	char path[64], buf[512], comm[256];
	long ppid;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((n = read_small(path, buf, sizeof buf)) <= 0)
		return 0;
	if (osparse_proc_stat(buf, (size_t)n, &ppid, comm, sizeof comm) != 0)
		return 0;
	char *close = strrchr(buf, ')');
	return close && close[1] == ' ' && close[2] != 'Z' && close[2] != 'X';
}

int procmem_system(struct procmem_sys *s)
{
	char buf[8192];
	struct osparse_meminfo m;
	ssize_t n = read_small("/proc/meminfo", buf, sizeof buf);

	memset(s, 0xff, sizeof *s);
	if (n <= 0 || osparse_meminfo(buf, (size_t)n, &m) != 0)
		return -1;
	s->total = m.total;
	s->available = m.available >= 0 ? m.available : m.free;
	s->used = m.total - s->available;
	if (m.swap_total >= 0 && m.swap_free >= 0)
		s->swap_used = m.swap_total - m.swap_free;
	return 0;
}

long procmem_wired_limit_mb(void)
{
	return -1;
}

#elif defined(__APPLE__)

#include <arpa/inet.h>
#include <libproc.h>
#include <mach/mach.h>
#include <stdlib.h>
#include <sys/proc_info.h>
#include <sys/resource.h>
#include <sys/sysctl.h>

int procmem_usage(pid_t pid, int want_pss, struct procmem_usage *u)
{
	struct rusage_info_v2 ri;

	(void)want_pss;
	memset(u, 0xff, sizeof *u);
	if (proc_pid_rusage(pid, RUSAGE_INFO_V2, (rusage_info_t *)&ri) != 0) {
		errno = errno == EPERM ? EACCES : ESRCH;
		return -1;
	}
	u->rss = (int64_t)ri.ri_resident_size;
	u->footprint = (int64_t)ri.ri_phys_footprint;
	return 0;
}

int procmem_children(pid_t pid, pid_t *out, int cap)
{
	int n = proc_listchildpids(pid, out, cap * (int)sizeof(pid_t));

	if (n < 0) {
		errno = ESRCH;
		return -1;
	}
	/* Older systems return bytes, newer ones a count. */
	return n > cap ? n / (int)sizeof(pid_t) : n;
}

int procmem_find(const char *name, pid_t *out, int cap)
{
	int n = proc_listallpids(NULL, 0), i, k = 0;
	pid_t *all;
	char buf[2 * MAXCOMLEN + 1];

	if (n <= 0 || (all = calloc((size_t)n + 64, sizeof *all)) == NULL)
		return 0;
	n = proc_listallpids(all, (n + 64) * (int)sizeof *all);
	for (i = 0; i < n && k < cap; i++)
		if (all[i] > 0 && proc_name(all[i], buf, sizeof buf) > 0 &&
		    strcmp(buf, name) == 0)
			out[k++] = all[i];
	free(all);
	return k;
}

/* Whether pid holds a TCP socket listening on port. */
static int listens_on(pid_t pid, int port)
{
	struct proc_fdinfo fds[512];
	struct socket_fdinfo si;
	int n = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, fds, sizeof fds), i;

	for (i = 0; i < n / (int)sizeof fds[0]; i++) {
		if (fds[i].proc_fdtype != PROX_FDTYPE_SOCKET)
			continue;
		if (proc_pidfdinfo(pid, fds[i].proc_fd, PROC_PIDFDSOCKETINFO,
				   &si, sizeof si) != (int)sizeof si)
			continue;
		if (si.psi.soi_kind == SOCKINFO_TCP &&
		    si.psi.soi_proto.pri_tcp.tcpsi_state == TSI_S_LISTEN &&
		    ntohs((uint16_t)si.psi.soi_proto.pri_tcp.tcpsi_ini
			      .insi_lport) == port)
			return 1;
	}
	return 0;
}

int procmem_listener(int port, pid_t *out, int cap)
{
	int n = proc_listallpids(NULL, 0), i, k = 0;
	pid_t *all;

	if (n <= 0 || (all = calloc((size_t)n + 64, sizeof *all)) == NULL)
		return 0;
	n = proc_listallpids(all, (n + 64) * (int)sizeof *all);
	for (i = 0; i < n && k < cap; i++)
		if (all[i] > 0 && listens_on(all[i], port))
			out[k++] = all[i];
	free(all);
	return k;
}

int procmem_alive(pid_t pid)
{
	struct proc_bsdinfo bi;

	if (proc_pidinfo(pid, PROC_PIDTBSDINFO, 0, &bi, sizeof bi) <= 0)
		return 0;
	return bi.pbi_status != SZOMB;
}

int procmem_system(struct procmem_sys *s)
{
	vm_statistics64_data_t vm;
	mach_msg_type_number_t count = HOST_VM_INFO64_COUNT;
	struct xsw_usage sw;
	uint64_t mem = 0;
	size_t len = sizeof mem;
	vm_size_t page = 0;

	memset(s, 0xff, sizeof *s);
	if (sysctlbyname("hw.memsize", &mem, &len, NULL, 0) != 0)
		return -1;
	if (host_page_size(mach_host_self(), &page) != KERN_SUCCESS ||
	    host_statistics64(mach_host_self(), HOST_VM_INFO64,
			      (host_info64_t)&vm, &count) != KERN_SUCCESS)
		return -1;
	struct osparse_vm_counts c = {.page_size = (int64_t)page,
				      .free = vm.free_count,
				      .active = vm.active_count,
				      .inactive = vm.inactive_count,
				      .speculative = vm.speculative_count,
				      .wired = vm.wire_count,
				      .compressed = vm.compressor_page_count};
	struct osparse_darwin_mem m;
	osparse_darwin_mem(&c, (int64_t)mem,
			   &m); /* tested from a vm_stat fixture */
	s->total = (int64_t)mem;
	s->wired = m.wired;
	s->compressed = m.compressed;
	s->used = m.used;
	s->available = m.available;
	len = sizeof sw;
	if (sysctlbyname("vm.swapusage", &sw, &len, NULL, 0) == 0)
		s->swap_used = (int64_t)sw.xsu_used;
	return 0;
}

long procmem_wired_limit_mb(void)
{
	int v = 0;
	size_t len = sizeof v;

	return sysctlbyname("iogpu.wired_limit_mb", &v, &len, NULL, 0) == 0
		   ? v
		   : -1;
}

#else

#include <signal.h>

int procmem_usage(pid_t pid, int want_pss, struct procmem_usage *u)
{
	(void)pid;
	(void)want_pss;
	(void)u;
	errno = ENOSYS;
	return -1;
}

int procmem_children(pid_t pid, pid_t *out, int cap)
{
	(void)pid;
	(void)out;
	(void)cap;
	return 0;
}

int procmem_find(const char *name, pid_t *out, int cap)
{
	(void)name;
	(void)out;
	(void)cap;
	return 0;
}

int procmem_listener(int port, pid_t *out, int cap)
{
	(void)port;
	(void)out;
	(void)cap;
	return 0;
}

int procmem_alive(pid_t pid)
{
	return kill(pid, 0) == 0;
}

int procmem_system(struct procmem_sys *s)
{
	(void)s;
	return -1;
}

long procmem_wired_limit_mb(void)
{
	return -1;
}

#endif

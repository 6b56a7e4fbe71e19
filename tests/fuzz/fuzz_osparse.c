/* libFuzzer target: every parser of operating-system output. */
#include <stdint.h>

#include "osparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct osparse_status st;
	struct osparse_meminfo m;
	struct osparse_gpu g[4];
	struct osparse_vm_counts vc;
	struct osparse_darwin_mem dm;
	char comm[64], model[64];
	long ppid, pids[16];
	int64_t v;

	osparse_proc_stat(s, size, &ppid, comm, sizeof comm);
	osparse_proc_status(s, size, &st);
	osparse_smaps_pss(s, size, &v);
	osparse_meminfo(s, size, &m);
	osparse_pid_list(s, size, pids, 16);
	osparse_nvidia_smi(s, size, g, 4);
	osparse_ioreg_gpu(s, size, &v, model, sizeof model);
	{
		unsigned long ino[4];
		osparse_tcp_listeners(s, size, 8080, ino, 4);
	}
	if (osparse_vm_stat(s, size, &vc) == 0)
		osparse_darwin_mem(&vc, INT64_C(1) << 39, &dm);
	return 0;
}

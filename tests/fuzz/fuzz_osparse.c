/* libFuzzer target: every parser of operating-system output. */
#include <stdint.h>

#include "osparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct osp_status st;
	struct osp_meminfo m;
	struct osp_gpu g[4];
	struct osp_vm_counts vc;
	struct osp_darwin_mem dm;
	char comm[64], model[64];
	long ppid, pids[16];
	int64_t v;

	osp_proc_stat(s, size, &ppid, comm, sizeof comm);
	osp_proc_status(s, size, &st);
	osp_smaps_pss(s, size, &v);
	osp_meminfo(s, size, &m);
	osp_pid_list(s, size, pids, 16);
	osp_nvidia_smi(s, size, g, 4);
	osp_ioreg_gpu(s, size, &v, model, sizeof model);
	{
		unsigned long ino[4];
		osp_tcp_listeners(s, size, 8080, ino, 4);
	}
	if (osp_vm_stat(s, size, &vc) == 0)
		osp_darwin_mem(&vc, INT64_C(1) << 39, &dm);
	return 0;
}

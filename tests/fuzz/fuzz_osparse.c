/* libFuzzer target: every parser of operating-system output (osparse,
 * powparse). */
#include <stdint.h>

#include "osparse.h"
#include "powparse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The power and heat parsers (src/memsample/powparse). */
static void fuzz_power(const char *s, size_t size)
{
	struct powparse_therm th;
	struct powparse_pm pm;
	char label[32];
	int64_t v;
	double d;

	powparse_sysfs_int(s, size, &v);
	powparse_label(s, size, label, sizeof label);
	powparse_hwmon_value(s, size, POWPARSE_HW_TEMP, &d);
	powparse_pmset_therm(s, size, &th);
	powparse_powermetrics(s, size, &pm);
	powparse_thermal_of(s, size);
	powparse_trip_type(s, size);
	{
		struct powparse_ior ior;
		double w[POWPARSE_IOR_N];
		powparse_ior_init(&ior);
		if (powparse_ior_text(s, size, &ior) >= 0)
			powparse_ior_watts(&ior, 0.1, w);
	}
}

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
	osparse_nvidia_smi(OSPARSE_NV_FIELDS, s, size, g, 4);
	osparse_nvidia_smi("index,name,memory.used,memory.total,power.draw", s,
			   size, g, 4);
	osparse_ioreg_gpu(s, size, &v, model, sizeof model);
	{
		unsigned long ino[4];
		osparse_tcp_listeners(s, size, 8080, ino, 4);
	}
	if (osparse_vm_stat(s, size, &vc) == 0)
		osparse_darwin_mem(&vc, INT64_C(1) << 39, &dm);
	fuzz_power(s, size);
	return 0;
}

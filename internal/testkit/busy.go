package testkit

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"time"
)

// MachineBusy returns the CPU time that every process of the machine has
// used since it started, all cores together (Linux's /proc/stat: user,
// nice, system, irq, softirq and steal), and true; false where it is
// unknown. Over an interval, its difference divided by the elapsed time is
// the number of cores kept busy: a benchmark of worker processes and a
// database server on the same machine reports it, to tell whether more
// workers could go faster.
func MachineBusy() (time.Duration, bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, false
	}
	fields := strings.Fields(sc.Text())
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, false
	}
	var ticks int64
	for i, f := range fields[1:9] {
		if i == 3 || i == 4 { // idle, iowait
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += n
	}
	// /proc/stat counts in USER_HZ, 100 a second on every Linux ABI.
	return time.Duration(ticks) * (time.Second / 100), true
}

package httpapi

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// residentMetrics split the process's resident memory (Linux
// /proc/self/status) into anonymous memory (the Go heap and stacks: what
// the service's bounds govern) and file-backed memory (mostly the index
// segments bluge maps: it grows as queries touch more of the index, up to
// the index's size, and is page cache the kernel reclaims under pressure).
// process_resident_memory_bytes is their sum. Elsewhere they read 0.
func residentMetrics() []prometheus.Collector {
	gauge := func(name, help, field string) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help},
			func() float64 { return float64(procStatusBytes(field)) })
	}
	return []prometheus.Collector{
		gauge("wensou_process_resident_anon_bytes", "Resident anonymous memory (heap, stacks).", "RssAnon"),
		gauge("wensou_process_resident_file_bytes", "Resident file-backed memory (the mapped index segments).", "RssFile"),
	}
}

// procStatusBytes reads a "Field:   123 kB" line of /proc/self/status, in
// bytes (0 when there is none).
func procStatusBytes(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return statusBytes(data, field)
}

// statusBytes finds field in the text of a /proc/*/status file.
func statusBytes(data []byte, field string) int64 {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		name, rest, ok := bytes.Cut(sc.Bytes(), []byte(":"))
		if !ok || string(name) != field {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) == 0 {
			return 0
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0
		}
		if len(f) > 1 && string(f[1]) == "kB" {
			n <<= 10
		}
		return n
	}
	return 0
}

// Command alloc is memory-bound: it allocates ?mib= MiB afresh and writes one byte per
// 4 KiB page, so that every page is faulted in.
package main

import (
	"net/http"
	"runtime/debug"
	"sync"
	"time"

	"edgefaas.dev/functions/internal/faas"
)

const (
	mib      = 1 << 20
	pageSize = 4096
)

type result struct {
	MiB       int64   `json:"mib"`
	Pages     int64   `json:"pages"`
	ElapsedMs float64 `json:"elapsed_ms"`
}

var (
	// sink keeps the allocation reachable until the answer is computed.
	sink   []byte
	sinkMu sync.Mutex
)

func main() {
	faas.Main(http.HandlerFunc(handle))
}

func handle(w http.ResponseWriter, r *http.Request) {
	m, ok := faas.IntParam(w, r, "mib", 50, 1, 1024)
	if !ok {
		return
	}
	sinkMu.Lock()
	defer sinkMu.Unlock()
	start := time.Now()
	sink = make([]byte, m*mib)
	var pages int64
	for off := 0; off < len(sink); off += pageSize {
		sink[off] = byte(pages | 1)
		pages++
	}
	elapsed := time.Since(start)
	faas.JSON(w, http.StatusOK, result{MiB: m, Pages: pages, ElapsedMs: faas.Millis(elapsed)})
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	// Give the memory back to the system after answering, so that the next call
	// allocates (and faults in) fresh pages again and an idle instance stays small.
	sink = nil
	debug.FreeOSMemory()
}

// Command read is I/O-bound: it reads the whole data file each call.
package main

import (
	"io"
	"net/http"
	"time"

	"edgefaas.dev/functions/internal/faas"
)

const bufferSize = 1 << 20

type result struct {
	Bytes     int64   `json:"bytes"`
	ElapsedMs float64 `json:"elapsed_ms"`
}

func main() {
	faas.Main(http.HandlerFunc(handle))
}

func handle(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	f, err := faas.OpenDataFile()
	if err != nil {
		faas.Error(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer f.Close()
	buf := make([]byte, bufferSize)
	var total int64
	for {
		n, err := f.Read(buf)
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			faas.Error(w, http.StatusInternalServerError, "reading "+f.Name()+": "+err.Error())
			return
		}
	}
	faas.JSON(w, http.StatusOK, result{Bytes: total, ElapsedMs: faas.Millis(time.Since(start))})
}

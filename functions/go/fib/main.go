// Command fib is CPU-bound: ?n= iterations of an iterative Fibonacci loop, wrapping
// around at 2^64.
package main

import (
	"net/http"
	"time"

	"edgefaas.dev/functions/internal/faas"
)

type result struct {
	N         int64   `json:"n"`
	Result    uint64  `json:"result"`
	ElapsedMs float64 `json:"elapsed_ms"`
}

func main() {
	faas.Main(http.HandlerFunc(handle))
}

func handle(w http.ResponseWriter, r *http.Request) {
	n, ok := faas.IntParam(w, r, "n", 1_000_000_000, 0, 10_000_000_000)
	if !ok {
		return
	}
	start := time.Now()
	f := fib(n)
	faas.JSON(w, http.StatusOK, result{N: n, Result: f, ElapsedMs: faas.Millis(time.Since(start))})
}

// fib is F(n) mod 2^64; the result is answered, so the loop cannot be optimised away.
func fib(n int64) uint64 {
	var a, b uint64 = 0, 1
	for i := int64(0); i < n; i++ {
		a, b = b, a+b
	}
	return a
}

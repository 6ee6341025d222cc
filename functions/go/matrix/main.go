// Command matrix is CPU- and memory-bound: it multiplies two ?n= x n matrices of float64.
package main

import (
	"net/http"
	"time"

	"edgefaas.dev/functions/internal/faas"
)

type result struct {
	N         int64   `json:"n"`
	Checksum  float64 `json:"checksum"`
	ElapsedMs float64 `json:"elapsed_ms"`
}

func main() {
	faas.Main(http.HandlerFunc(handle))
}

func handle(w http.ResponseWriter, r *http.Request) {
	n, ok := faas.IntParam(w, r, "n", 1024, 1, 4096)
	if !ok {
		return
	}
	start := time.Now()
	checksum := multiply(int(n))
	faas.JSON(w, http.StatusOK, result{N: n, Checksum: checksum, ElapsedMs: faas.Millis(time.Since(start))})
}

// multiply fills A and B deterministically, computes C = A*B naively in i-k-j order,
// and returns the sum of C's elements. The timing includes allocation and filling.
func multiply(n int) float64 {
	a := make([]float64, n*n)
	b := make([]float64, n*n)
	c := make([]float64, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a[i*n+j] = float64((i+2*j)%17) * 0.125
			b[i*n+j] = float64((3*i+j)%13) * 0.25
		}
	}
	for i := 0; i < n; i++ {
		ci := c[i*n : (i+1)*n]
		for k := 0; k < n; k++ {
			aik := a[i*n+k]
			bk := b[k*n : (k+1)*n]
			bk = bk[:len(ci)]
			for j := range ci {
				ci[j] += aik * bk[j]
			}
		}
	}
	var sum float64
	for _, v := range c {
		sum += v
	}
	return sum
}

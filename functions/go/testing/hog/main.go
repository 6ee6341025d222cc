// Command hog is a test fixture: before it listens, it allocates and touches memory in 16 MiB
// blocks until its sandbox's memory limit stops it.
package main

import (
	"fmt"

	// net links cgo (so libc) into the PIE build OSv runs; the static build stays static.
	_ "net"
)

func main() {
	var blocks [][]byte
	for i := 1; ; i++ {
		block := make([]byte, 16<<20)
		for j := range block {
			block[j] = 1
		}
		blocks = append(blocks, block)
		if i%8 == 0 {
			fmt.Printf("holding %d MiB\n", i*16)
		}
	}
}

// Command exits is a test fixture: it fails at start the way a misconfigured function does,
// saying why on stderr and exiting with code 3 before it listens.
package main

import (
	// net links cgo (so libc) into the PIE build OSv runs; the static build stays static.
	_ "net"

	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "config missing: DATABASE_URL")
	os.Exit(3)
}

// Command mkdata writes the sample data file: SIZE bytes (default 50 MiB) of
// pseudo-random content from a fixed seed, the same bytes on every run.
//
//	mkdata OUT_FILE [SIZE]
package main

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
	"strconv"
)

const defaultSize = 50 << 20

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: mkdata OUT_FILE [SIZE]")
		os.Exit(2)
	}
	size := int64(defaultSize)
	if len(os.Args) == 3 {
		n, err := strconv.ParseInt(os.Args[2], 10, 64)
		if err != nil || n < 0 {
			fmt.Fprintln(os.Stderr, "SIZE must be a non-negative integer")
			os.Exit(2)
		}
		size = n
	}
	if err := write(os.Args[1], size); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(path string, size int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(f, 1<<20)
	state := uint64(0xed6efaa5) // fixed seed
	var word [8]byte
	for remaining := size; remaining > 0; remaining -= 8 {
		binary.LittleEndian.PutUint64(word[:], splitmix64(&state))
		n := int64(len(word))
		if remaining < n {
			n = remaining
		}
		if _, err := out.Write(word[:n]); err != nil {
			f.Close()
			return err
		}
	}
	if err := out.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// splitmix64 is Vigna's SplitMix64 generator.
func splitmix64(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	z := *state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

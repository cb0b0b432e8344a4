package main

import "fmt"

// plural is n with the singular or plural noun: "1 hit", "0 hits", "2 hits".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

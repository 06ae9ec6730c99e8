// Command httpcall is the rollback specs' stand-in for curl (not on the test machines):
// httpcall METHOD URL [BODY] prints the answer and exits 1 unless it is 2xx.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: httpcall METHOD URL [BODY]")
		os.Exit(2)
	}
	body := ""
	if len(os.Args) > 3 {
		body = os.Args[3]
	}
	req, err := http.NewRequest(os.Args[1], os.Args[2], strings.NewReader(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s\n%s\n", resp.Status, b)
	if resp.StatusCode/100 != 2 {
		os.Exit(1)
	}
}

// Command hello is the no-op function: it reads and discards any request body, then
// answers "hello". With ?echo=1 it describes the request it received instead, as JSON.
package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"edgefaas.dev/functions/internal/faas"
)

type echo struct {
	Method    string              `json:"method"`
	Path      string              `json:"path"`
	Query     string              `json:"query"`
	Headers   map[string][]string `json:"headers"`
	BodyBytes int64               `json:"bodyBytes"`
}

func main() {
	faas.Main(http.HandlerFunc(hello))
}

func hello(w http.ResponseWriter, r *http.Request) {
	n, err := io.Copy(io.Discard, r.Body)
	if err != nil {
		faas.Error(w, http.StatusBadRequest, "reading the request body: "+err.Error())
		return
	}
	if query, _ := url.ParseQuery(r.URL.RawQuery); query.Get("echo") == "1" {
		faas.JSON(w, http.StatusOK, describe(r, n))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", "6")
	_, _ = io.WriteString(w, "hello\n")
}

// describe is the request as it arrived: the request target split at '?', undecoded,
// and the headers by canonical name, Host included.
func describe(r *http.Request, bodyBytes int64) echo {
	path, query := r.RequestURI, ""
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	headers := make(map[string][]string, len(r.Header)+1)
	for name, values := range r.Header {
		headers[name] = values
	}
	if r.Host != "" {
		headers["Host"] = []string{r.Host}
	}
	return echo{Method: r.Method, Path: path, Query: query, Headers: headers, BodyBytes: bodyBytes}
}

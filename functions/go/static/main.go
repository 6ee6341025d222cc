// Command static serves the data file as a download (GET and HEAD, ranges too).
package main

import (
	"net/http"

	"edgefaas.dev/functions/internal/faas"
)

func main() {
	faas.Main(http.HandlerFunc(handle))
}

func handle(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		faas.Error(w, http.StatusMethodNotAllowed, "static answers GET and HEAD only")
		return
	}
	f, err := faas.OpenDataFile()
	if err != nil {
		faas.Error(w, http.StatusInternalServerError, err.Error())
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		faas.Error(w, http.StatusInternalServerError, "stat "+f.Name()+": "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	http.ServeContent(w, r, "", info.ModTime(), f)
}

// Command prober is a test fixture: it reports what its instance can reach and how far it can
// start processes, as prober.js does for Node.js.
//
//	GET /?connect=HOST:PORT  "connected" or "blocked: <reason>"
//	GET /?fork=N             {"spawned": n, "error": "..."}: starts up to N idle copies of itself
package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"edgefaas.dev/functions/internal/faas"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "idle" {
		time.Sleep(time.Minute)
		return
	}
	faas.Main(http.HandlerFunc(probe))
}

func probe(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	if target := query.Get("connect"); target != "" {
		conn, err := net.DialTimeout("tcp", target, time.Second)
		if err != nil {
			w.Write([]byte("blocked: " + err.Error()))
			return
		}
		conn.Close()
		w.Write([]byte("connected"))
		return
	}
	if query.Has("fork") {
		var n int
		json.Unmarshal([]byte(query.Get("fork")), &n)
		var children []*exec.Cmd
		result := map[string]any{"error": ""}
		for i := 0; i < n; i++ {
			child := exec.Command(os.Args[0], "idle")
			if err := child.Start(); err != nil {
				result["error"] = err.Error()
				break
			}
			children = append(children, child)
		}
		for _, child := range children {
			child.Process.Kill()
			child.Wait()
		}
		result["spawned"] = len(children)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(result)
		return
	}
	w.Write([]byte("prober\n"))
}

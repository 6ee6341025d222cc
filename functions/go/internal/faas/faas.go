// Package faas is the instance contract shared by the sample functions:
// listen on $HOST:$PORT (HOST defaults to 0.0.0.0), then tell the platform by a GET of the callback URL,
// serve HTTP/1.1 with keep-alive, and exit 0 on SIGTERM.
package faas

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultPort       = "8080"
	callbackEnv       = "EDGEFAAS_CALLBACK_URL"
	callbackFlag      = "--callback="
	callbackAttempts  = 5
	callbackPause     = 50 * time.Millisecond
	callbackTimeout   = 5 * time.Second
	shutdownGrace     = 500 * time.Millisecond
	dataFileEnv       = "DATA_FILE"
	dataFileName      = "data.bin"
	dataFileFallback  = "/data.bin"
	exitOK, exitError = 0, 1
)

// Main serves h according to the instance contract and never returns.
func Main(h http.Handler) {
	os.Exit(run(h))
}

func run(h http.Handler) int {
	port := os.Getenv("PORT")
	if port == "" {
		port = defaultPort
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		fmt.Fprintf(os.Stderr, "PORT must be an integer between 0 and 65535, got %q\n", port)
		return exitError
	}
	callback, err := callbackURL(os.Getenv(callbackEnv), os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitError
	}

	srv := &http.Server{Handler: h}
	done := make(chan int, 2)
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-signals
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		_ = srv.Shutdown(ctx) // finish requests in flight, briefly; the exit is clean either way
		done <- exitOK
	}()

	host := os.Getenv("HOST")
	if host == "" {
		host = "0.0.0.0"
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Fprintf(os.Stderr, "cannot listen on port %s: %v\n", port, err)
		return exitError
	}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "serving: %v\n", err)
			done <- exitError
		}
	}()
	fmt.Printf("listening on :%d\n", ln.Addr().(*net.TCPAddr).Port)

	if callback != "" {
		if err := signalReady(callback); err != nil {
			fmt.Fprintf(os.Stderr, "ready callback to %s failed: %v\n", callback, err)
			return exitError
		}
	}
	return <-done
}

// callbackURL is the environment's URL, else that of a --callback=URL argument, else "".
func callbackURL(fromEnv string, args []string) (string, error) {
	raw := fromEnv
	if raw == "" {
		for _, arg := range args {
			if strings.HasPrefix(arg, callbackFlag) {
				raw = strings.TrimPrefix(arg, callbackFlag)
			}
		}
	}
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("callback URL %q is not an absolute http(s) URL", raw)
	}
	return raw, nil
}

// signalReady GETs the callback URL, retrying while it cannot be reached. Any HTTP
// answer counts as delivered; one that is not 2xx is reported on stderr.
func signalReady(callback string) error {
	client := &http.Client{Timeout: callbackTimeout}
	var lastErr error
	for attempt := 1; attempt <= callbackAttempts; attempt++ {
		if attempt > 1 {
			time.Sleep(callbackPause)
		}
		resp, err := client.Get(callback)
		if err != nil {
			lastErr = err
			continue
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			fmt.Fprintf(os.Stderr, "ready callback to %s answered %s\n", callback, resp.Status)
		}
		return nil
	}
	return fmt.Errorf("%d attempts: %w", callbackAttempts, lastErr)
}

// IntParam is query parameter name as an integer in [min, max], def when absent. When it
// is malformed or out of range it answers 400 naming the parameter and range, and
// returns false.
func IntParam(w http.ResponseWriter, r *http.Request, name string, def, min, max int64) (int64, bool) {
	query, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		Error(w, http.StatusBadRequest, "malformed query string: "+err.Error())
		return 0, false
	}
	values, present := query[name]
	if !present {
		return def, true
	}
	v, err := strconv.ParseInt(strings.TrimSpace(firstOf(values)), 10, 64)
	if err != nil || v < min || v > max {
		Error(w, http.StatusBadRequest, fmt.Sprintf("%s must be an integer between %d and %d", name, min, max))
		return 0, false
	}
	return v, true
}

func firstOf(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// JSON answers status with v as a JSON object.
func JSON(w http.ResponseWriter, status int, v interface{}) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode ends the object with a newline
		Error(w, http.StatusInternalServerError, "encoding the answer: "+err.Error())
		return
	}
	body := buf.Bytes()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// Error answers status with a one-line plain-text message.
func Error(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, message+"\n")
}

// Millis is d in milliseconds.
func Millis(d time.Duration) float64 {
	return float64(d.Nanoseconds()) / 1e6
}

// OpenDataFile opens the data file: $DATA_FILE, else data.bin next to the executable
// (symlinks resolved), else /data.bin. The error names every path tried.
func OpenDataFile() (*os.File, error) {
	if path := os.Getenv(dataFileEnv); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot open data file %s (from $%s): %v", path, dataFileEnv, err)
		}
		return f, nil
	}
	var tried []string
	if exe, err := os.Executable(); err == nil {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		path := filepath.Join(filepath.Dir(exe), dataFileName)
		if f, err := os.Open(path); err == nil {
			return f, nil
		}
		tried = append(tried, path)
	}
	f, err := os.Open(dataFileFallback)
	if err == nil {
		return f, nil
	}
	tried = append(tried, dataFileFallback)
	return nil, fmt.Errorf("no data file: tried %s (set $%s)", strings.Join(tried, ", "), dataFileEnv)
}

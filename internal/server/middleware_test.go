package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A panic gives the 500 page through the layout, with the security
// headers, and its stack goes to the log, never to the page.
func TestPanicRecovery(t *testing.T) {
	var logs bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	h := securityHeaders(s.logRequests(s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	}))))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/boom", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Errorf("status %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Something went wrong") || !strings.Contains(body, `<nav aria-label="Main"`) {
		t.Errorf("500 page not rendered through the layout:\n%s", body)
	}
	if strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") {
		t.Errorf("500 page shows internals")
	}
	if rec.Header().Get("Content-Security-Policy") == "" || rec.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("500 page lacks the security headers: %v", rec.Header())
	}
	log := logs.String()
	for _, want := range []string{"secret internal detail", "stack=", "recoverPanics", "status=500", "path=/boom", "method=GET", "duration=", "bytes="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestProbesAreLoggedWhenTheyFail: every request is logged but the probes'
// successes; a failed probe is logged like any request.
func TestProbesAreLoggedWhenTheyFail(t *testing.T) {
	var logs bytes.Buffer
	s := &server{log: slog.New(slog.NewTextHandler(&logs, nil))}
	status := http.StatusOK
	h := s.logRequests(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	for _, path := range []string{"/ping", "/healthz", "/documents"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	status = http.StatusServiceUnavailable
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	log := logs.String()
	if n := strings.Count(log, "\n"); n != 2 || !strings.Contains(log, "path=/documents status=200") ||
		!strings.Contains(log, "path=/healthz status=503") {
		t.Errorf("want the page and the failed probe logged, %d lines:\n%s", n, log)
	}
}

func TestLogPathHidesSecrets(t *testing.T) {
	for in, want := range map[string]string{
		"/calendar/abcDEF123.ics": "/calendar/[secret]",
		"/reset/abcDEF123":        "/reset/[secret]",
		"/documents/12":           "/documents/12",
	} {
		if got := logPath(in); got != want {
			t.Errorf("logPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Package loadgen is the small HTTP load generator behind `portal bench`.
//
// A Scenario runs N concurrent workers for a fixed time (or a fixed number
// of operations). Each worker is a browser of its own: its own cookie jar,
// signed in through the sign-in form as a person would be, over keep-alive
// connections. Every request a worker sends is timed and kept, so the
// percentiles reported are exact (nearest rank over every latency), not
// estimated; statuses other than 2xx and 3xx, and transport failures, are
// errors unless the scenario says it expects them (a 409 conflict, say).
package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// NewTransport returns a keep-alive transport sized for the given number of
// concurrent workers: each keeps its connection between requests, so the
// measure is of the server, not of TCP handshakes.
func NewTransport(workers int) *http.Transport {
	n := max(workers, 1) * 2
	return &http.Transport{
		Proxy:                 nil, // a load generator never goes through a proxy
		DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:          n,
		MaxIdleConnsPerHost:   n,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Response is a response as a worker saw it. Body is valid until the
// worker's next request (the buffer is reused to keep the generator light).
type Response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Latency time.Duration
}

// Client is one browser: its own cookie jar, no automatic redirects (a 303
// is the answer being measured, not a reason to load another page).
type Client struct {
	base *url.URL
	http *http.Client
	buf  bytes.Buffer
	rec  *recorder // nil: requests are not recorded (sign-in, setup)
}

// NewClient returns a browser for the site at base (e.g.
// "http://127.0.0.1:8080") that shares the transport tr.
func NewClient(base string, tr http.RoundTripper) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("loadgen: base URL %q: want an absolute URL", base)
	}
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &Client{base: u, http: &http.Client{
		Transport:     tr,
		Jar:           jar,
		Timeout:       2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

// Base is the site's address, without a trailing slash.
func (c *Client) Base() string { return c.base.String() }

// Get sends GET path (path may carry a query).
func (c *Client) Get(ctx context.Context, path string) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.Base()+path, nil)
	if err != nil {
		return Response{}, err
	}
	return c.Do(req)
}

// PostForm sends a form as a browser submits it from a page of the same site.
func (c *Client) PostForm(ctx context.Context, path string, form url.Values) (Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base()+path, strings.NewReader(form.Encode()))
	if err != nil {
		return Response{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.Base())
	return c.Do(req)
}

// Do sends req with the headers a browser navigating the site sends, reads
// the whole body and records the latency (request written to last byte
// read) and the status, when the client is recording.
func (c *Client) Do(req *http.Request) (Response, error) {
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "portal-loadgen")
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "text/html,*/*")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.rec.transportError(time.Now(), err)
		return Response{}, &RequestError{Method: req.Method, Path: req.URL.Path, Err: err}
	}
	c.buf.Reset()
	_, err = io.Copy(&c.buf, resp.Body)
	resp.Body.Close()
	end := time.Now()
	lat := end.Sub(start)
	if err != nil {
		c.rec.transportError(end, err)
		return Response{}, &RequestError{Method: req.Method, Path: req.URL.Path, Err: err}
	}
	c.rec.response(end, lat, resp.StatusCode)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: c.buf.Bytes(), Latency: lat}, nil
}

// RequestError is a request that got no complete response (connection
// refused or reset, timeout). It is counted as an error of the run when it
// happens; a step returning it does not count it twice.
type RequestError struct {
	Method, Path string
	Err          error
}

func (e *RequestError) Error() string { return e.Method + " " + e.Path + ": " + e.Err.Error() }
func (e *RequestError) Unwrap() error { return e.Err }

// Login signs in through the sign-in form (POST /login with e-mail and
// password), as a browser does. Anything but a redirect is an error: a
// wrong password gives the form again (422), throttling gives 429.
func (c *Client) Login(ctx context.Context, email, password string) error {
	resp, err := c.PostForm(ctx, "/login", url.Values{"email": {email}, "password": {password}})
	if err != nil {
		return fmt.Errorf("sign in as %s: %w", email, err)
	}
	if resp.Status != http.StatusSeeOther && resp.Status != http.StatusFound {
		return fmt.Errorf("sign in as %s: status %d (wrong password, or not a user of this database?)", email, resp.Status)
	}
	if len(c.http.Jar.Cookies(c.base)) == 0 {
		return fmt.Errorf("sign in as %s: no session cookie was set", email)
	}
	return nil
}

package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"
)

// config is everything the environment can set. Every variable is listed in
// README.md; an unparsable value is an error at start, never a silent default.
type config struct {
	Addr            string        // PORTAL_ADDR
	BaseURL         string        // PORTAL_BASE_URL: how users reach the portal (cookies are Secure when https)
	DatabaseURL     string        // DATABASE_URL: empty means the private cluster
	DataDir         string        // PORTAL_DATA_DIR: the private cluster's home
	Demo            string        // PORTAL_DEMO: auto, 1 or 0
	DemoPassword    string        // PORTAL_DEMO_PASSWORD
	LogFormat       string        // PORTAL_LOG_FORMAT: text or json
	LogLevel        slog.Level    // PORTAL_LOG_LEVEL
	SessionIdle     time.Duration // PORTAL_SESSION_IDLE
	SessionLifetime time.Duration // PORTAL_SESSION_LIFETIME
	TrustedProxies  []string      // PORTAL_TRUSTED_PROXIES: CIDRs whose X-Forwarded-For is believed
}

func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		Addr:            or(getenv("PORTAL_ADDR"), "127.0.0.1:8080"),
		DatabaseURL:     getenv("DATABASE_URL"),
		DataDir:         or(getenv("PORTAL_DATA_DIR"), ".data"),
		Demo:            or(getenv("PORTAL_DEMO"), "auto"),
		DemoPassword:    getenv("PORTAL_DEMO_PASSWORD"),
		LogFormat:       or(getenv("PORTAL_LOG_FORMAT"), "text"),
		SessionIdle:     2 * time.Hour,
		SessionLifetime: 12 * time.Hour,
	}
	c.BaseURL = or(getenv("PORTAL_BASE_URL"), "http://"+c.Addr)
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return c, fmt.Errorf("PORTAL_BASE_URL %q: want an absolute http or https URL", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	switch c.Demo {
	case "auto", "1", "0":
	default:
		return c, fmt.Errorf("PORTAL_DEMO %q: want auto, 1 or 0", c.Demo)
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return c, fmt.Errorf("PORTAL_LOG_FORMAT %q: want text or json", c.LogFormat)
	}
	if v := getenv("PORTAL_LOG_LEVEL"); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("PORTAL_LOG_LEVEL %q: want debug, info, warn or error", v)
		}
	}
	for _, d := range []struct {
		name string
		dst  *time.Duration
	}{{"PORTAL_SESSION_IDLE", &c.SessionIdle}, {"PORTAL_SESSION_LIFETIME", &c.SessionLifetime}} {
		if v := getenv(d.name); v != "" {
			dur, err := time.ParseDuration(v)
			if err != nil || dur <= 0 {
				return c, fmt.Errorf("%s %q: want a positive duration such as 30m or 8h", d.name, v)
			}
			*d.dst = dur
		}
	}
	if v := getenv("PORTAL_TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	return c, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

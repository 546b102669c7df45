// Package web holds the portal's pages (templ components), its static
// files and the rendering of document bodies. It imports the domain for
// its view types and never the store: handlers give it everything it shows.
package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"sync"
)

// Static holds the CSS and the vendored htmx, served under /static/.
//
//go:embed static
var Static embed.FS

var (
	assetOnce    sync.Once
	assetVersion map[string]string
)

// AssetPath returns the URL of a static file with a version derived from
// its content, so that the files can be cached for a year and a new
// release is still fetched at once.
func AssetPath(name string) string {
	assetOnce.Do(func() {
		assetVersion = map[string]string{}
		_ = fs.WalkDir(Static, "static", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := Static.ReadFile(path)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			assetVersion[path[len("static/"):]] = hex.EncodeToString(sum[:6])
			return nil
		})
	})
	if v, ok := assetVersion[name]; ok {
		return "/static/" + name + "?v=" + v
	}
	return "/static/" + name
}

package server

import (
	"io/fs"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

var staticFS, _ = fs.Sub(web.Static, "static")

var staticFiles = http.StripPrefix("/static", http.FileServerFS(staticFS))

// static serves the CSS and htmx. Their URLs carry a content version
// (web.AssetPath), so they can be cached for a year.
func (s *server) static(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "*")
	if fi, err := fs.Stat(staticFS, name); name == "" || strings.HasSuffix(name, "/") || err != nil || fi.IsDir() {
		s.fail(w, r, dialogue.ErrNotFound)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	staticFiles.ServeHTTP(w, r)
}

package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/internal/store"
	"github.com/dialogue-secretariat/portal/web"
)

// Session keys. The session holds only the user's id and a stamp of the
// rights the session was granted with; everything else is read from the
// database at each request, so that a disabled user is signed out at the
// next request and a role change takes effect at once.
const (
	sessionUserID = "uid"
	sessionStamp  = "stamp"
	sessionFlash  = "flash"
)

func newSessionManager(cfg Config, store scs.Store) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
	sm.Codec = sessionCodec{}
	// The idle timeout is the store's (store.SessionStore): scs's own
	// rewrites the session at every request.
	sm.Lifetime = cfg.SessionLifetime
	sm.Cookie.Name = "portal_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = strings.HasPrefix(cfg.BaseURL, "https://")
	sm.Cookie.Path = "/"
	// Sessions do not outlive the browser unless the user keeps it open.
	sm.Cookie.Persist = false
	return sm
}

// stamp summarises the rights a session was granted with; when it changes
// (role, manager flag, delegation), the session token is renewed.
func stamp(u *dialogue.User) string {
	return fmt.Sprintf("%s|%t|%d", u.Role, u.IsManager, u.DelegationID)
}

type userKey struct{}

// currentUser is the signed-in user, or nil.
func currentUser(ctx context.Context) *dialogue.User {
	u, _ := ctx.Value(userKey{}).(*dialogue.User)
	return u
}

// viewerOf is what the store needs to filter by what the user may see.
func viewerOf(u *dialogue.User) dialogue.Viewer {
	if u == nil {
		return dialogue.Viewer{DelegationID: -1} // matches nothing
	}
	v := dialogue.Viewer{UserID: u.ID, DelegationID: u.DelegationID, SeeAll: auth.Can(u, auth.ViewAllDocuments)}
	if u.Delegation != nil {
		v.DelegationKind = u.Delegation.Kind
	}
	return v
}

// actorOf is who performs a write, for the audit log.
func actorOf(r *http.Request) dialogue.Actor {
	a := dialogue.Actor{RemoteAddr: clientIP(r)}
	if u := currentUser(r.Context()); u != nil {
		a.UserID, a.Name = u.ID, u.Email
	}
	return a
}

// sessionUserOf reads the signed-in user's id from a session's encoded
// data, for the session store to keep beside it (0: nobody signed in).
func sessionUserOf(data []byte) int64 {
	_, values, err := sessionCodec{}.Decode(data)
	if err != nil {
		return 0
	}
	id, _ := values[sessionUserID].(int64)
	return id
}

// withSessionUser lets the session store hand over the session's user,
// read with the session in one statement (see loadUser).
func withSessionUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := store.WithSessionUser(r.Context())
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// sessionUser is the user read with the session, when it is the one the
// session names; otherwise (a session saved before the store kept its
// user, say) the user is read by id.
func (s *server) sessionUser(ctx context.Context, id int64) (dialogue.User, error) {
	if su, ok := store.SessionUserOf(ctx); ok && su.Found && su.User.ID == id {
		return su.User, nil
	}
	return s.st.UserByID(ctx, id)
}

// loadUser puts the signed-in user in the request's context. A user who was
// disabled (or deleted), or whose last day of access has passed, since
// signing in is signed out here, at the next request; a user whose rights
// changed gets a new session token.
func (s *server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		id := s.sessions.GetInt64(ctx, sessionUserID)
		if id == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, err := s.sessionUser(ctx, id)
		if err != nil && dialogue.KindOf(err) != dialogue.KindNotFound {
			s.fail(w, r, err)
			return
		}
		if err != nil || u.Inactive() {
			s.log.InfoContext(ctx, "signing out a disabled, lapsed or removed user", "user", id)
			if err := s.sessions.Destroy(ctx); err != nil {
				s.fail(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if st := stamp(&u); s.sessions.GetString(ctx, sessionStamp) != st {
			if err := s.sessions.RenewToken(ctx); err != nil {
				s.fail(w, r, err)
				return
			}
			s.sessions.Put(ctx, sessionStamp, st)
		}
		ctx = context.WithValue(ctx, userKey{}, &u)
		ctx = web.WithUser(ctx, badge(&u, s.now()))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// badge is what the layout shows of the user (menu, print footer).
func badge(u *dialogue.User, now time.Time) *web.UserBadge {
	b := &web.UserBadge{Name: u.Name, Email: u.Email, Role: u.Role.Label(), PrintedOn: now.In(dialogue.Brussels).Format("2 January 2006, 15:04 MST")}
	if u.Delegation != nil {
		b.Delegation = u.Delegation.Name
	}
	if u.IsManager {
		b.Role += " (delegation manager)"
	}
	for _, a := range []auth.Action{auth.DraftDocuments, auth.RunRounds, auth.ViewRounds, auth.WritePositions,
		auth.EditMeetings, auth.ManageUsers, auth.ManageOwnUsers, auth.ViewAudit, auth.ViewAllDocuments} {
		if auth.Can(u, a) {
			b.Can = append(b.Can, string(a))
		}
	}
	return b
}

// requireUser sends anonymous visitors to the sign-in page, remembering
// where they were going (GET only: a form cannot be replayed).
func (s *server) requireUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if currentUser(r.Context()) != nil {
			next.ServeHTTP(w, r)
			return
		}
		target := "/login"
		if r.Method == http.MethodGet && r.URL.Path != "/" {
			target += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// allow lets the request through only if the user may perform the action
// (on some data: handlers check the delegation scope with auth.CanFor).
func (s *server) allow(a auth.Action) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !auth.Can(currentUser(r.Context()), a) {
				s.fail(w, r, dialogue.Errorf(dialogue.KindForbidden, "not allowed"))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// localPath accepts only a path on this site as a redirect target, so a
// crafted ?next= cannot send a user elsewhere after signing in.
func localPath(p string) string {
	if p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	if u, err := url.Parse(p); err != nil || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}

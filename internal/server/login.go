package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/go-chi/httprate"

	"github.com/dialogue-secretariat/portal/internal/auth"
	"github.com/dialogue-secretariat/portal/internal/dialogue"
	"github.com/dialogue-secretariat/portal/web"
)

// loginLimits throttles failed sign-ins per account (the e-mail typed,
// whether or not it exists, so throttling reveals nothing) and per client
// address. Only failures count: a colleague signing in often is never
// locked out by their own successes.
type loginLimits struct {
	perAccount, perAddress *httprate.RateLimiter
	accountMax, addressMax int
}

func newLoginLimits(cfg Config) loginLimits {
	return loginLimits{
		perAccount: httprate.NewRateLimiter(cfg.LoginFailuresPerAccount, cfg.LoginWindow),
		perAddress: httprate.NewRateLimiter(cfg.LoginFailuresPerAddress, cfg.LoginWindow),
		accountMax: cfg.LoginFailuresPerAccount,
		addressMax: cfg.LoginFailuresPerAddress,
	}
}

func accountKey(email string) string { return "acct:" + strings.ToLower(strings.TrimSpace(email)) }
func addressKey(ip string) string    { return "addr:" + ip }

// throttled reports whether either key has used up its failures (the
// sliding-window rate httprate computes, compared with our own limit).
func (l loginLimits) throttled(email, ip string) bool {
	_, a, errA := l.perAccount.Status(accountKey(email))
	_, b, errB := l.perAddress.Status(addressKey(ip))
	return errA != nil || errB != nil || a >= float64(l.accountMax) || b >= float64(l.addressMax)
}

// failed counts one failure against both keys.
func (l loginLimits) failed(w http.ResponseWriter, r *http.Request, email, ip string) {
	// OnLimit increments the counter (it also sets rate-limit headers,
	// which the sign-in page can carry harmlessly).
	l.perAccount.OnLimit(w, r, accountKey(email))
	l.perAddress.OnLimit(w, r, addressKey(ip))
}

// dummyHash is checked when the e-mail is unknown, so that a wrong e-mail
// costs as much time as a wrong password: timing reveals nothing either.
var dummyHash = func() string {
	h, err := auth.HashPassword("not a password anyone has")
	if err != nil {
		panic(err)
	}
	return h
}()

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) error {
	if currentUser(r.Context()) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.render(w, r, http.StatusOK, web.LoginPage(web.LoginView{Next: localPath(r.URL.Query().Get("next")),
		Flash: s.sessions.PopString(r.Context(), sessionFlash)}))
}

func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	next := localPath(r.PostFormValue("next"))
	ip := clientIP(r)
	view := web.LoginView{Email: email, Next: next}

	if s.limits.throttled(email, ip) {
		_ = s.st.RecordSignIn(ctx, dialogue.Actor{Name: email, RemoteAddr: ip}, 0, email, false, "throttled")
		view.Error = "Too many failed sign-in attempts. Wait a quarter of an hour, then try again, or ask the secretariat to reset your password."
		return s.render(w, r, http.StatusTooManyRequests, web.LoginPage(view))
	}
	fe := dialogue.FieldErrors{}
	if email == "" {
		fe.Add("email", "Enter your e-mail address.")
	}
	if password == "" {
		fe.Add("password", "Enter your password.")
	}
	if len(fe) > 0 {
		view.Errors = fe
		return s.render(w, r, http.StatusUnprocessableEntity, web.LoginPage(view))
	}

	u, hash, err := s.st.UserForLogin(ctx, email)
	reason := ""
	switch {
	case dialogue.KindOf(err) == dialogue.KindNotFound:
		_ = auth.CheckPassword(dummyHash, password)
		reason = "unknown e-mail"
	case err != nil:
		return err
	case hash == "":
		_ = auth.CheckPassword(dummyHash, password)
		reason = "no password set"
	case auth.CheckPassword(hash, password) != nil:
		reason = "wrong password"
	case u.Disabled:
		reason = "account disabled"
	case u.AccessEnded:
		reason = "access ended"
	case u.AccessNotYet:
		reason = "access not begun"
	}
	if reason != "" {
		s.limits.failed(w, r, email, ip)
		if err := s.st.RecordSignIn(ctx, dialogue.Actor{UserID: 0, Name: email, RemoteAddr: ip}, u.ID, email, false, reason); err != nil {
			return err
		}
		// One message whatever went wrong: it never tells whether the
		// e-mail address exists, or the account is disabled or past its
		// last day of access.
		view.Error = "The e-mail address or the password is not correct."
		return s.render(w, r, http.StatusUnauthorized, web.LoginPage(view))
	}

	// A new token at sign-in: a session id known before (fixation) is worthless.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, u.ID)
	s.sessions.Put(ctx, sessionStamp, stamp(&u))
	if err := s.st.RecordSignIn(ctx, dialogue.Actor{UserID: u.ID, Name: u.Email, RemoteAddr: ip}, u.ID, u.Email, true, ""); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if u := currentUser(ctx); u != nil {
		if err := s.st.RecordSignOut(ctx, actorOf(r)); err != nil {
			return err
		}
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (s *server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, web.PasswordPage(web.PasswordView{Done: r.URL.Query().Get("done") == "1"}))
}

func (s *server) changePassword(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := currentUser(ctx)
	current, next, confirm := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	fe := dialogue.FieldErrors{}
	_, hash, err := s.st.UserForLogin(ctx, u.Email)
	if err != nil {
		return err
	}
	if hash == "" || auth.CheckPassword(hash, current) != nil {
		fe.Add("current", "This is not your current password.")
	}
	if msg := auth.ValidatePassword(next); msg != "" {
		fe.Add("new", msg)
	} else if next == current {
		fe.Add("new", "Choose a password different from the current one.")
	}
	if confirm != next {
		fe.Add("confirm", "The two new passwords differ: type the same one twice.")
	}
	if len(fe) > 0 {
		// Passwords are never sent back into the form.
		return s.render(w, r, http.StatusUnprocessableEntity, web.PasswordPage(web.PasswordView{Errors: fe}))
	}
	newHash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.st.SetPassword(ctx, actorOf(r), u.ID, newHash); err != nil {
		return err
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, "/account/password?done=1", http.StatusSeeOther)
	return nil
}

// Reset links: the secretariat (or a delegation manager, for an invitation)
// gets a one-time link to give to the user; only its hash is stored.

const resetValidity = 72 * time.Hour

func newResetToken() (token string, hash []byte) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

func (s *server) resetForm(w http.ResponseWriter, r *http.Request) error {
	u, err := s.st.ResetUser(r.Context(), hashToken(chi.URLParam(r, "token")))
	if err != nil {
		return s.resetGone(w, r, err)
	}
	return s.render(w, r, http.StatusOK, web.ResetPage(web.ResetView{Token: chi.URLParam(r, "token"), Name: u.Name, Email: u.Email}))
}

func (s *server) reset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	token := chi.URLParam(r, "token")
	u, err := s.st.ResetUser(ctx, hashToken(token))
	if err != nil {
		return s.resetGone(w, r, err)
	}
	next, confirm := r.PostFormValue("new"), r.PostFormValue("confirm")
	fe := dialogue.FieldErrors{}
	if msg := auth.ValidatePassword(next); msg != "" {
		fe.Add("new", msg)
	}
	if confirm != next {
		fe.Add("confirm", "The two passwords differ: type the same one twice.")
	}
	if len(fe) > 0 {
		return s.render(w, r, http.StatusUnprocessableEntity, web.ResetPage(web.ResetView{Token: token, Name: u.Name, Email: u.Email, Errors: fe}))
	}
	hash, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if _, err := s.st.ConsumePasswordReset(ctx, dialogue.Actor{Name: u.Email, RemoteAddr: clientIP(r)}, hashToken(token), hash); err != nil {
		return s.resetGone(w, r, err)
	}
	// Whoever was signed in on this browser is not the one who just reset.
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	if u.AccessNotYet {
		// Invited ahead (the incoming Presidency's staff): the link's
		// holder may know when the access begins.
		return s.flashTo(w, r, "/login", "Your password is set. You can sign in with it from "+longDate(u.AccessFrom)+".")
	}
	return s.flashTo(w, r, "/login", "Your password is set. Sign in with it.")
}

func (s *server) resetGone(w http.ResponseWriter, r *http.Request, err error) error {
	if dialogue.KindOf(err) != dialogue.KindNotFound {
		return err
	}
	s.renderError(w, r, web.ErrorView{Status: http.StatusNotFound, Title: "This link no longer works",
		Message: "Links to set a password work once and for three days. Ask the secretariat (or your delegation's manager) for a new one."})
	return nil
}

// clientIP is the client's address as the ClientIP middleware resolved it
// (from X-Forwarded-For only behind trusted proxies), else the peer address.
func clientIP(r *http.Request) string {
	if ip := middleware.GetClientIP(r.Context()); ip != "" {
		return ip
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

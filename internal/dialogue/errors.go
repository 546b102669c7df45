package dialogue

import (
	"errors"
	"fmt"
)

// ErrorKind classifies what went wrong, so that the server maps every
// failure to a status and a message in one place.
type ErrorKind int

const (
	KindInvalid      ErrorKind = iota + 1 // the input breaks a rule: 422 with the message
	KindNotFound                          // 404; also used for what a user may not know exists
	KindForbidden                         // 403
	KindConflict                          // 409: someone else changed it first
	KindDeadline                          // 409: the deadline has passed
	KindSealed                            // 404 to outsiders: replies not released
	KindUnauthorized                      // 401: not signed in
)

// Error is a domain error: a kind, a message meant for the user, and
// optionally the field it concerns and the underlying cause (never shown).
type Error struct {
	Kind    ErrorKind
	Field   string
	Message string
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf builds a domain error of the given kind.
func Errorf(kind ErrorKind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldError builds an invalid-input error attached to a form field.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrNotFound is the generic not-found error.
var ErrNotFound = &Error{Kind: KindNotFound, Message: "not found"}

// KindOf returns the kind of a domain error anywhere in err's chain, or 0.
func KindOf(err error) ErrorKind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	var re *ReferenceError
	var fe *FormError
	if errors.As(err, &re) || errors.As(err, &fe) {
		return KindInvalid
	}
	var ce *ConflictError
	if errors.As(err, &ce) {
		return KindConflict
	}
	return 0
}

// FieldErrors collects invalid-input messages by form field, so a form can
// show every problem at once beside the field it concerns.
type FieldErrors map[string]string

// Add records the first message for a field.
func (fe FieldErrors) Add(field, msg string) {
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
}

// Err returns nil when there are no messages, else an invalid-input error
// that carries them.
func (fe FieldErrors) Err() error {
	if len(fe) == 0 {
		return nil
	}
	return &FormError{Fields: fe}
}

// FormError is an invalid-input error with messages for several fields.
type FormError struct{ Fields FieldErrors }

func (e *FormError) Error() string { return fmt.Sprintf("%d fields need attention", len(e.Fields)) }

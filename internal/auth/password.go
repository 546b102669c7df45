// Package auth holds users' credentials, sessions, roles and the permission
// policy that every handler consults.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters. Memory is modest on purpose: every concurrent sign-in
// costs this much, and the portal runs on small machines (OWASP's minimum
// recommendation is 19 MiB with 2 passes).
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashSlots bounds how many hashes run at once. A hash is CPU- and
// memory-bound: more at once than there are cores only adds argonMemory per
// waiting sign-in (a hundred people signing in at the same moment would
// otherwise take ~2 GiB), so the others queue here for a few milliseconds.
var hashSlots = make(chan struct{}, runtime.NumCPU())

// idKey is argon2.IDKey within a hash slot.
func idKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 12

// ErrMismatch means the password does not match the hash.
var ErrMismatch = errors.New("auth: password does not match")

// HashPassword returns the argon2id hash of password in PHC string form
// ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword compares password with a PHC argon2id hash in constant time.
// Parameters are read from the hash, so hashes made with older settings keep
// working.
func CheckPassword(hash, password string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return fmt.Errorf("auth: not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return fmt.Errorf("auth: unsupported argon2 version")
	}
	var memory, iterations uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &iterations, &threads); err != nil {
		return fmt.Errorf("auth: bad argon2 parameters: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("auth: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("auth: bad hash: %w", err)
	}
	got := idKey([]byte(password), salt, iterations, memory, threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// ValidatePassword checks a new password against the policy and returns a
// message for the person choosing it, or "" when it is acceptable.
func ValidatePassword(password string) string {
	if len([]rune(password)) < MinPasswordLength {
		return fmt.Sprintf("Use at least %d characters; a few unrelated words make a good password.", MinPasswordLength)
	}
	if len(password) > 1024 {
		return "Use at most 1024 characters."
	}
	return ""
}

package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestHashAndCheckPassword(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with our parameters", h)
	}
	if err := CheckPassword(h, "correct horse battery staple"); err != nil {
		t.Fatalf("right password refused: %v", err)
	}
	if err := CheckPassword(h, "correct horse battery stapl"); !errors.Is(err, ErrMismatch) {
		t.Fatalf("wrong password: got %v, want ErrMismatch", err)
	}
	h2, _ := HashPassword("correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA"} {
		if err := CheckPassword(bad, "x"); err == nil || errors.Is(err, ErrMismatch) {
			t.Errorf("CheckPassword(%q) = %v, want a format error", bad, err)
		}
	}
}

func TestValidatePassword(t *testing.T) {
	if msg := ValidatePassword("short"); msg == "" {
		t.Error("a 5-character password was accepted")
	}
	if msg := ValidatePassword("twelve chars"); msg != "" {
		t.Errorf("a 12-character password was refused: %s", msg)
	}
}

// With every hash slot taken, a sign-in waits for one to free rather than
// allocating its own argon2 memory alongside.
func TestHashesWaitForAFreeSlot(t *testing.T) {
	hash, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	for range cap(hashSlots) {
		hashSlots <- struct{}{}
	}
	done := make(chan error)
	go func() { done <- CheckPassword(hash, "correct horse battery") }()
	select {
	case err := <-done:
		t.Fatalf("a hash ran with every slot taken (err %v)", err)
	case <-time.After(100 * time.Millisecond):
	}
	<-hashSlots // one slot frees
	if err := <-done; err != nil {
		t.Fatalf("after a slot freed: %v", err)
	}
	for range cap(hashSlots) - 1 {
		<-hashSlots
	}
}

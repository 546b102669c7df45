package server

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodec(t *testing.T) {
	deadline := time.Date(2026, 11, 22, 18, 0, 0, 123, time.UTC)
	values := map[string]any{sessionUserID: int64(42), sessionStamp: "delegate|false|7", sessionFlash: "Saved <b>"}
	b, err := sessionCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	d, got, err := sessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) || len(got) != 3 || got[sessionUserID] != int64(42) ||
		got[sessionStamp] != "delegate|false|7" || got[sessionFlash] != "Saved <b>" {
		t.Fatalf("round trip: %v %v %v", d, got, err)
	}
	if id := sessionUserOf(b); id != 42 {
		t.Fatalf("sessionUserOf = %d", id)
	}
	// A session saved in gob before this codec is still read.
	old, err := scs.GobCodec{}.Encode(deadline, values)
	if err != nil {
		t.Fatal(err)
	}
	if d, got, err := (sessionCodec{}).Decode(old); err != nil || !d.Equal(deadline) || got[sessionUserID] != int64(42) {
		t.Fatalf("gob session: %v %v %v", d, got, err)
	}
	// A value it cannot keep is refused, not dropped.
	if _, err := (sessionCodec{}).Encode(deadline, map[string]any{"n": 3}); err == nil {
		t.Fatal("an int (not int64) was accepted")
	}
	if id := sessionUserOf([]byte("not a session")); id != 0 {
		t.Fatalf("garbage: user %d", id)
	}
}

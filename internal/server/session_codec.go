package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores a session's values as JSON. scs's default (gob)
// builds a decoder with its type descriptions for every request, which was
// a tenth of the CPU of a simple page. The portal keeps only strings and
// int64s in a session (the user's id, the stamp of their rights, a flash
// message); anything else is refused when the session is saved, so that
// nothing is silently lost. Sessions saved in gob by earlier versions are
// still read.
type sessionCodec struct{}

type sessionJSON struct {
	Deadline time.Time         `json:"d"`
	Ints     map[string]int64  `json:"i,omitempty"`
	Strings  map[string]string `json:"s,omitempty"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]any) ([]byte, error) {
	s := sessionJSON{Deadline: deadline}
	for k, v := range values {
		switch v := v.(type) {
		case int64:
			if s.Ints == nil {
				s.Ints = map[string]int64{}
			}
			s.Ints[k] = v
		case string:
			if s.Strings == nil {
				s.Strings = map[string]string{}
			}
			s.Strings[k] = v
		default:
			return nil, fmt.Errorf("session: value %q is a %T; the session codec keeps strings and int64s only", k, v)
		}
	}
	return json.Marshal(s)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]any, error) {
	if !bytes.HasPrefix(b, []byte("{")) {
		return scs.GobCodec{}.Decode(b) // saved before this codec
	}
	var s sessionJSON
	if err := json.Unmarshal(b, &s); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]any, len(s.Ints)+len(s.Strings))
	for k, v := range s.Ints {
		values[k] = v
	}
	for k, v := range s.Strings {
		values[k] = v
	}
	return s.Deadline, values, nil
}

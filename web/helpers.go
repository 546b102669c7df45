package web

import (
	"strconv"
	"strings"

	"github.com/dialogue-secretariat/portal/internal/dialogue"
)

func noteID(n int) string { return "note-" + strconv.Itoa(n) }

func itoa(n int) string { return strconv.Itoa(n) }

// nativeLangs are the languages of the member states' own names, so that
// screen readers pronounce "België / Belgique / Belgien" and "Ελλάδα" well.
// Where a state has several languages, its first is used.
var nativeLangs = map[string]string{
	"BE": "fr", "BG": "bg", "CZ": "cs", "DK": "da", "DE": "de", "EE": "et", "IE": "ga", "EL": "el",
	"ES": "es", "FR": "fr", "HR": "hr", "IT": "it", "CY": "el", "LV": "lv", "LT": "lt", "LU": "fr",
	"HU": "hu", "MT": "mt", "NL": "nl", "AT": "de", "PL": "pl", "PT": "pt", "RO": "ro", "SI": "sl",
	"SK": "sk", "FI": "fi", "SE": "sv",
}

func nativeLang(code string) string {
	if l, ok := nativeLangs[code]; ok {
		return l
	}
	return "en"
}

// Plural is one when n is 1, else many: "1 reply", "2 replies".
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func implementers(in dialogue.Initiative) string {
	names := make([]string, len(in.Implementers))
	for i, m := range in.Implementers {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

func documentsCaption(v DocumentsView) string {
	c := "Documents, newest first"
	if v.Page > 1 {
		c += ", page " + strconv.Itoa(v.Page)
	}
	return c
}

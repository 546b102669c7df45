package dialogue

import "strings"

// ShortName is the initiative's name without its spelled-out expansion in
// brackets, for tight places such as the coverage matrix: "EMPACT" for
// "EMPACT (European Multidisciplinary Platform Against Criminal Threats)".
func (in Initiative) ShortName() string {
	if i := strings.Index(in.Name, " ("); i > 0 {
		return in.Name[:i]
	}
	return in.Name
}

package scoring

import (
	"fmt"
	"sort"
	"strings"
)

// Commit is a commit message with its id, for AI-assistance detection.
type Commit struct {
	ID      string
	Message string
}

// DetectAIAssisted looks for trailer lines (Co-authored-by, Assisted-by,
// Generated-by ...) that the policy's patterns say name a coding assistant.
// It returns why, naming the commit and the trailer key, or "" when none
// matches. Only the last paragraph of a message holds trailers, but people
// put them anywhere, so every line is checked.
func DetectAIAssisted(commits []Commit, pol Policy) (bool, string) {
	sorted := append([]Commit(nil), commits...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, c := range sorted {
		for _, line := range strings.Split(c.Message, "\n") {
			line = strings.TrimSpace(line)
			for _, re := range pol.AIAssisted.Trailers {
				if re.MatchString(line) {
					key, _, _ := strings.Cut(line, ":")
					id := c.ID
					if len(id) > 12 {
						id = id[:12]
					}
					return true, fmt.Sprintf("commit %s has a %s trailer naming an assistant", id, strings.TrimSpace(key))
				}
			}
		}
	}
	return false, ""
}

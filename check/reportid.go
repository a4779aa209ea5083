package check

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/blast-dev/blast/report"
)

// DefaultReportID is the report ID of blast check without --report-id, the
// name by which a CI integration keeps one comment per project:
//
//   - one plan file: its path relative to the root of the git checkout
//     (infra/prod/plan.json), so that a matrix over folders gets one comment
//     per folder;
//   - several plans, or standard input: the working directory relative to
//     the git root (infra/prod), "." at the root.
//
// Outside a git checkout the paths are relative to the working directory.
// Only the checkout's layout goes in, never an absolute path, so the ID is
// the same on every run and every runner. Bytes outside [A-Za-z0-9._/-]
// become '-'.
func DefaultReportID(plans []string) string {
	wd, err := os.Getwd()
	if err != nil {
		return report.DefaultReportID
	}
	if r, err := filepath.EvalSymlinks(wd); err == nil {
		wd = r
	}
	base := repoRoot(wd)
	if base == "" {
		base = wd
	}
	target := wd
	if len(plans) == 1 && plans[0] != "-" {
		target = absIn(wd, plans[0])
		if r, err := filepath.EvalSymlinks(filepath.Dir(target)); err == nil {
			target = filepath.Join(r, filepath.Base(target))
		}
	}
	rel, err := filepath.Rel(base, target)
	if err != nil || rel == ".." || filepath.IsAbs(rel) || len(rel) > 2 && rel[:3] == ".."+string(filepath.Separator) {
		// A plan outside the checkout: its own name is what is stable.
		rel = filepath.Base(target)
	}
	return report.SanitizeReportID(filepath.ToSlash(rel))
}

// ReportID is the report ID of --report-id when given, refused unless
// plain, else the one DefaultReportID derives from the plan paths.
func ReportID(flag string, plans []string) (string, error) {
	if flag == "" {
		return DefaultReportID(plans), nil
	}
	if err := report.ValidReportID(flag); err != nil {
		return "", WithHint(fmt.Errorf("--report-id %q: %w", flag, err),
			fmt.Sprintf("use letters, digits and . _ / - only, at most %d of them, such as --report-id infra/prod", report.MaxReportIDLen))
	}
	return flag, nil
}

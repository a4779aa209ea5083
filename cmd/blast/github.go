package main

import (
	"fmt"
	"os"

	"github.com/blast-dev/blast/report"
)

// appendStepSummary appends the markdown report to the GitHub Actions step
// summary, the file $GITHUB_STEP_SUMMARY names. It does nothing when the
// path is empty (not on GitHub). GitHub takes at most 1 MiB per step; the
// markdown report stays under 64 KiB.
func appendStepSummary(stepSummaryPath string, r *report.Report) error {
	if stepSummaryPath == "" {
		return nil
	}
	md, err := report.Render(r, "markdown", report.Options{})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(stepSummaryPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("writing the step summary ($GITHUB_STEP_SUMMARY): %w", err)
	}
	if _, err := f.Write(append(md, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("writing the step summary ($GITHUB_STEP_SUMMARY): %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing the step summary ($GITHUB_STEP_SUMMARY): %w", err)
	}
	return nil
}

package check

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/blast-dev/blast/internal/safefile"
	"github.com/blast-dev/blast/internal/terminal"
	"github.com/blast-dev/blast/plan/planjson"
	"github.com/blast-dev/blast/report"
)

// Output is one --output FILE:FORMAT: the report written to File in Format.
type Output struct{ File, Format string }

// ParseReportOutputs reads --format, the format of the report on standard
// output, and the --output FILE:FORMAT flags.
func ParseReportOutputs(format string, outputs []string) (ReportOutputs, error) {
	if err := validateFormat(format); err != nil {
		return ReportOutputs{}, err
	}
	outs, err := parseOutputs(outputs)
	return ReportOutputs{Format: format, Outputs: outs}, err
}

// validateFormat refuses a --format that is not a report format.
func validateFormat(format string) error {
	if report.HasFormat(format) {
		return nil
	}
	return WithHint(fmt.Errorf("unknown --format %q", format), "use one of: "+strings.Join(report.Formats(), ", "))
}

// parseOutputs reads the --output FILE:FORMAT flags.
func parseOutputs(specs []string) ([]Output, error) {
	var outs []Output
	for _, spec := range specs {
		i := strings.LastIndexByte(spec, ':')
		if i <= 0 || i == len(spec)-1 {
			return nil, WithHint(fmt.Errorf("--output %q is not FILE:FORMAT", spec), "for example --output report.md:markdown")
		}
		o := Output{File: spec[:i], Format: spec[i+1:]}
		if !report.HasFormat(o.Format) {
			return nil, WithHint(fmt.Errorf("--output %q: unknown format %q", spec, o.Format), "use one of: "+strings.Join(report.Formats(), ", "))
		}
		outs = append(outs, o)
	}
	return outs, nil
}

// ReportOutputs says where a report goes: to the writer of WriteReport in
// Format, fitted to its terminal, and to every one of Outputs in theirs.
type ReportOutputs struct {
	Format  string
	Options report.Options
	Outputs []Output
	// StepSummary is the file the markdown report is appended to when
	// Format is github ($GITHUB_STEP_SUMMARY); "" is none.
	StepSummary string
}

// WriteReport writes r to w in one format and to every --output file in
// theirs. Everything is rendered before anything is written, and the files
// are written (each to a temporary name, then renamed) before w, so a
// failure leaves neither half a report nor a report on w with exit 1.
func WriteReport(w io.Writer, r *report.Report, to ReportOutputs) error {
	shown := to.Options
	shown.Table.Width, shown.Table.Color = terminal.Fit(w)
	main, err := report.Render(r, to.Format, shown)
	if err != nil {
		return err
	}
	files := make([][]byte, len(to.Outputs))
	for i, o := range to.Outputs {
		if files[i], err = report.Render(r, o.Format, to.Options); err != nil {
			return err
		}
	}
	if err := writeOutputs(to.Outputs, files); err != nil {
		return err
	}
	if to.Format == "github" {
		if err := AppendStepSummary(to.StepSummary, r); err != nil {
			return err
		}
	}
	_, err = w.Write(main)
	return err
}

// WriteErrorReports writes the report of err to every --output, each in
// its format, and returns err: a CI step that posts the markdown then
// replaces an earlier "pass" with the error rather than leaving it up.
// Standard output stays empty and the exit code 1, as for any error.
func WriteErrorReports(err error, outs []Output, id string) error {
	if len(outs) == 0 {
		return err
	}
	files := make([][]byte, len(outs))
	for i, o := range outs {
		b, rerr := report.RenderError(o.Format, id, err.Error(), Hint(err))
		if rerr != nil {
			return fmt.Errorf("%w (and no error report was written: %v)", err, rerr)
		}
		files[i] = b
	}
	if werr := writeOutputs(outs, files); werr != nil {
		return fmt.Errorf("%w (and no error report was written: %v)", err, werr)
	}
	return err
}

// Hint is the hint an error carries for the user, "" when none.
func Hint(err error) string {
	var ie *planjson.InputError
	var h *HintError
	switch {
	case errors.As(err, &h) && h.Hint != "":
		return h.Hint
	case errors.As(err, &ie) && ie.Hint != "":
		return ie.Hint
	}
	return ""
}

// AppendStepSummary appends the markdown report to the GitHub Actions step
// summary, the file $GITHUB_STEP_SUMMARY names. It does nothing when the
// path is empty (not on GitHub). GitHub takes at most 1 MiB per step; the
// markdown report stays under 64 KiB.
func AppendStepSummary(stepSummaryPath string, r *report.Report) error {
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

// writeOutputs writes files[i] to outs[i].File, all or none.
func writeOutputs(outs []Output, files [][]byte) error {
	// Every target is checked before any is written, and each is written
	// to a fresh temporary file in its folder (os.CreateTemp: O_EXCL, so
	// no planted link is followed), then renamed: a link or folder at an
	// --output path is refused and left untouched.
	for _, o := range outs {
		if err := safefile.Check(o.File); err != nil {
			return outputError(o.File, err)
		}
	}
	var temps []*safefile.Temp
	defer func() {
		for _, t := range temps {
			t.Abort()
		}
	}()
	for i, o := range outs {
		t, err := safefile.Create(o.File, 0o644)
		if err != nil {
			return outputError(o.File, err)
		}
		temps = append(temps, t)
		if _, err := t.Write(files[i]); err != nil {
			return outputError(o.File, err)
		}
	}
	for i, o := range outs {
		if err := temps[i].Commit(); err != nil {
			return outputError(o.File, err)
		}
	}
	temps = nil
	return nil
}

func outputError(file string, err error) error {
	err = fmt.Errorf("writing --output %s: %w", file, err)
	if errors.Is(err, safefile.ErrNotRegular) {
		return WithHint(err, "blast writes no report through a link: remove it, or choose another path")
	}
	return err
}

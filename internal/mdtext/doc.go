// Package mdtext writes text from a plan into GitHub-flavoured markdown so
// that it shows literally: escaped prose (no markup, no HTML, no @mention),
// code spans and fenced blocks whose fence no backtick in the text can
// close, text kept on one line and shortened at its end or in its middle,
// and lists cut to fit a byte budget with a line saying what was left out.
// It knows nothing of reports; the markdown format of package report and
// its mermaid pictures are its users.
package mdtext

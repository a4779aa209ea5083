// Package junit holds the JUnit XML types blast's junit format writes, as
// GitLab, Jenkins and most test report readers take them, and the escaping
// XML 1.0 needs. It knows nothing of a report: package report fills them.
package junit

import (
	"encoding/xml"
	"strings"
)

// Suites is the document: JUnit XML as GitLab, Jenkins and most test report
// readers take it.
type Suites struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Suites   []Suite  `xml:"testsuite"`
}

// Suite is a test suite.
type Suite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Time       string     `xml:"time,attr"`
	Properties []Property `xml:"properties>property,omitempty"`
	Cases      []Case     `xml:"testcase"`
}

// Property is a name and value of a suite.
type Property struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// Case is a test case, failed when Failure is set.
type Case struct {
	Name      string   `xml:"name,attr"`
	Classname string   `xml:"classname,attr"`
	Time      string   `xml:"time,attr"`
	Failure   *Failure `xml:"failure,omitempty"`
	SystemOut *Text    `xml:"system-out,omitempty"`
}

// Text is character data written as CDATA.
type Text struct {
	Text string `xml:",cdata"`
}

// Failure says why a test case failed.
type Failure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// ErrorSuites is the document of a run that could not judge: one errored
// case in one suite, as a test runner reports a test that could not run.
type ErrorSuites struct {
	XMLName xml.Name   `xml:"testsuites"`
	Name    string     `xml:"name,attr"`
	Tests   int        `xml:"tests,attr"`
	Errors  int        `xml:"errors,attr"`
	Suite   ErrorSuite `xml:"testsuite"`
}

// ErrorSuite is the one suite of an ErrorSuites.
type ErrorSuite struct {
	Name     string    `xml:"name,attr"`
	Tests    int       `xml:"tests,attr"`
	Failures int       `xml:"failures,attr"`
	Errors   int       `xml:"errors,attr"`
	Case     ErrorCase `xml:"testcase"`
}

// ErrorCase is the errored test case.
type ErrorCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Error     Error  `xml:"error"`
}

// Error says why the case could not run.
type Error struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Body    string `xml:",chardata"`
}

// XMLSafe replaces what XML 1.0 cannot hold, even in CDATA, with U+FFFD:
// control characters other than tab and line breaks, and invalid UTF-8.
func XMLSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20, r == 0xFFFE, r == 0xFFFF, r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

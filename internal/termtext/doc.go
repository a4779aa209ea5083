// Package termtext prepares text for a terminal: it escapes what a plan
// could use to take over the terminal (control characters, bidirectional
// overrides), measures text in columns the same way on every machine,
// shortens a resource address in the middle so that what tells it apart
// stays, wraps text to a width, pads it, and colours it with SGR sequences
// after it was measured. It knows nothing of reports; the table format of
// package report is its user.
package termtext

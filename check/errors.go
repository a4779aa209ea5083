package check

// HintError is an error that knows what the user can do about it: blast
// prints the error, then the hint on a line of its own.
type HintError struct {
	Err  error
	Hint string
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint wraps err with a hint for the user.
func WithHint(err error, hint string) error { return &HintError{Err: err, Hint: hint} }

package planjson

import (
	"errors"
	"fmt"
)

// Sentinel errors a caller may need to tell apart.
var (
	ErrNotAPlan       = errors.New("not a Terraform plan")
	ErrFutureFormat   = errors.New("plan format from the future")
	ErrNoTerraform    = errors.New("no terraform or tofu binary")
	ErrInputTooLarge  = errors.New("input too large")
	ErrUnknownActions = errors.New("unknown actions")
)

// InputError is a problem with one input. Its message names the input and says
// what is wrong in one line; Hint, when set, says what to do about it.
type InputError struct {
	Source string
	Err    error
	Hint   string
}

func (e *InputError) Error() string { return e.Source + ": " + e.Err.Error() }

func (e *InputError) Unwrap() error { return e.Err }

func inputErr(source, hint string, format string, args ...any) *InputError {
	return &InputError{Source: source, Err: fmt.Errorf(format, args...), Hint: hint}
}

// hintShowJSON is the hint for an input that is not plan JSON at all (plan
// text, state, an empty or non-JSON file): never for a fault inside plan
// JSON, which making the file again would not mend.
const hintShowJSON = "run: terraform show -json plan.out > plan.json"

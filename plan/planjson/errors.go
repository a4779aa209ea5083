package planjson

import (
	"errors"

	"github.com/blast-dev/blast/internal/input"
)

// Sentinel errors a caller may need to tell apart.
var (
	ErrNotAPlan       = errors.New("not a Terraform plan")
	ErrFutureFormat   = errors.New("plan format from the future")
	ErrNoTerraform    = errors.New("no terraform or tofu binary")
	ErrInputTooLarge  = input.ErrTooLarge
	ErrUnknownActions = errors.New("unknown actions")
)

// InputError is a problem with one input. Its message names the input and
// says what is wrong in one line; Hint, when set, says what to do about it.
// stacks.InputError is the same type.
type InputError = input.Error

func inputErr(source, hint string, format string, args ...any) *InputError {
	return input.New(source, hint, format, args...)
}

// hintShowJSON is the hint for an input that is not plan JSON at all (plan
// text, state, an empty or non-JSON file): never for a fault inside plan
// JSON, which making the file again would not mend.
const hintShowJSON = "run: terraform show -json plan.out > plan.json"

package stacks

import (
	"errors"

	"github.com/blast-dev/blast/internal/input"
)

// Sentinel errors a caller may need to tell apart.
var (
	ErrNotAState     = errors.New("not a Terraform state")
	ErrIsPlan        = errors.New("this is a plan, not a state")
	ErrOldState      = errors.New("state version too old")
	ErrFutureFormat  = errors.New("state format from the future")
	ErrInputTooLarge = input.ErrTooLarge
	ErrBadSpec       = errors.New("bad context")
)

// InputError is a problem with one context input. Its message names the
// file (or the --context argument) and says what is wrong in one line; Hint,
// when set, says what to do about it. planjson.InputError is the same type.
type InputError = input.Error

func inputErr(source, hint string, format string, args ...any) *InputError {
	return input.New(source, hint, format, args...)
}

const hintStatePull = "give another stack's state: terraform state pull > NAME.tfstate, or terraform show -json > NAME.json"

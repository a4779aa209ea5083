//go:build windows

package terminal

import "golang.org/x/sys/windows"

// enableColor turns on the console's processing of ANSI sequences, off by
// default in the classic Windows console; where it cannot, no colour, rather
// than escape codes printed as text.
func enableColor(fd int) bool {
	h := windows.Handle(fd)
	var mode uint32
	if err := windows.GetConsoleMode(h, &mode); err != nil {
		return false
	}
	if mode&windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING != 0 {
		return true
	}
	return windows.SetConsoleMode(h, mode|windows.ENABLE_VIRTUAL_TERMINAL_PROCESSING) == nil
}

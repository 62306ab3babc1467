package ui

// statusExpiredMsg clears the footer's information line if it is still the
// one shown (Gen), so an old timer never clears a newer message.
type statusExpiredMsg struct{ Gen int }

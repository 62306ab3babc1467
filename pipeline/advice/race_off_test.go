//go:build !race

package advice

const raceEnabled = false

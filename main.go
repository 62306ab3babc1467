// Command streamsim designs and simulates AWS streaming pipelines.
package main

import (
	"os"

	"github.com/streamsim/streamsim/cmd"
)

func main() {
	os.Exit(cmd.Execute())
}

package dashboard

import (
	"github.com/streamsim/streamsim/pipeline"
)

// awsCommands returns, for a change made on the dashboard, the AWS CLI calls
// (or, where AWS has no API for it, a comment saying what would be done) that
// make the same change to a real pipeline. Names in <angle brackets> are the
// account's own identifiers.
func awsCommands(sc *pipeline.Scenario, c pipeline.Change) []string {
	var out []string
	for _, a := range c.Set {
		n := sc.Node(a.Node)
		if n == nil {
			continue
		}
		out = append(out, setCommand(n, a))
	}
	if c.Fail != "" {
		what := "stop " + c.Fail
		if c.For > 0 {
			what += " for " + pipeline.FormatDuration(c.For)
		}
		out = append(out, "aws fis start-experiment --experiment-template-id <template: "+what+">")
	}
	return out
}

// setCommand is the CLI call that makes assignment a on node n: the
// catalog key's CLI, or a comment where no single call does.
func setCommand(n *pipeline.Node, a pipeline.Assignment) string {
	if k, ok := n.Service.Key(a.Key); ok && k.CLI != nil {
		return k.CLI(n, a.Value)
	}
	if n.Stage == pipeline.Producer {
		return "# " + n.ID + "." + a.Key + " = " + a.Value.String() + ": your producers' load, not an AWS setting"
	}
	return "# " + n.ID + "." + a.Key + " = " + a.Value.String() + ": no single AWS CLI call; change it in " + n.Service.Label + "'s configuration"
}

// capacityKey is the key `t` (reshard) changes on a storage node: its
// service's Parts ("", "unit" for other nodes).
func capacityKey(n *pipeline.Node) (key, noun string) {
	if p := n.Service.Parts; p.Key != "" {
		return p.Key, p.Noun
	}
	return "", "unit"
}

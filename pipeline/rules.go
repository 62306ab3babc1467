package pipeline

import (
	"cmp"
	"slices"
	"strings"
)

// The rule book: every AWS limit, quota and price streamsim follows, and the
// assumptions it makes where AWS publishes no figure, each under a stable id
// that messages cite ("(DDB-PARTITION-WCU)") and `streamsim explain ID` shows.
// docs/aws-limits.md is generated from it.

// Confidence says how well a rule's numbers are backed.
type Confidence int

// The confidence levels, strongest first.
const (
	Confirmed    Confidence = iota + 1 // read in current AWS documentation
	ConfirmedOld                       // read in an older or archived AWS page
	Secondary                          // secondary sources only (blogs, cost tools)
	Unconfirmed                        // one weak source, or none
	NotInNotes                         // no AWS figure found: an estimate
	Assumption                         // streamsim's own, not an AWS figure
)

// String is how the rule book writes a confidence.
func (c Confidence) String() string {
	switch c {
	case Confirmed:
		return "confirmed in AWS documentation"
	case ConfirmedOld:
		return "confirmed in an older or archived AWS page"
	case Secondary:
		return "secondary source"
	case Unconfirmed:
		return "unconfirmed"
	case NotInNotes:
		return "unconfirmed: no AWS figure found, an estimate"
	case Assumption:
		return "streamsim's own assumption, not an AWS figure"
	}
	return "unknown"
}

// RulesChecked is the day every rule was last checked against its sources.
const RulesChecked = "2026-12-05"

// Number is one figure of a rule, with its unit.
type Number struct {
	Value string
	Conf  Confidence // 0: the rule's own
}

// Source is a page where a rule is published.
type Source struct {
	Title string
	URL   string // "" when no public page holds it
	Note  string // how it was read, or which file of a repository
	Own   bool   // streamsim's own assumption: a page of its docs, not AWS's
}

// Rule is one entry of the rule book.
type Rule struct {
	ID        string // uppercase, dash separated: KDS-SHARD-WRITE
	Service   string // the heading it is listed under
	Statement string // one line
	Numbers   []Number
	Sources   []Source
	Conf      Confidence
}

// NumberConf is the confidence of one of the rule's numbers.
func (r Rule) NumberConf(n Number) Confidence {
	if n.Conf != 0 {
		return n.Conf
	}
	return r.Conf
}

// NumberText writes a number, with its confidence when it differs from the rule's.
func (r Rule) NumberText(n Number) string {
	if c := r.NumberConf(n); c != r.Conf {
		return n.Value + " (" + c.String() + ")"
	}
	return n.Value
}

// CheckedText says when and against what the rule was checked.
func (r Rule) CheckedText() string {
	switch r.Conf {
	case NotInNotes:
		return RulesChecked + " (no AWS figure found)"
	case Assumption:
		return RulesChecked + " (no AWS figure exists)"
	}
	return RulesChecked
}

// The services the rule book is grouped by, in the order it lists them.
const (
	SvcKDS        = "Kinesis Data Streams"
	SvcFirehose   = "Amazon Data Firehose"
	SvcMSK        = "Amazon MSK"
	SvcKVS        = "Kinesis Video Streams"
	SvcLambda     = "AWS Lambda"
	SvcFlink      = "Managed Service for Apache Flink"
	SvcGlue       = "AWS Glue streaming"
	SvcEMR        = "Amazon EMR"
	SvcApp        = "Consumer applications (KCL)"
	SvcS3         = "Amazon S3"
	SvcDynamoDB   = "Amazon DynamoDB"
	SvcOpenSearch = "Amazon OpenSearch Service"
	SvcRedshift   = "Amazon Redshift"
	SvcPricing    = "Pricing in general"
	SvcSelect     = "Choosing a service"
)

// RuleServices lists the services of the rule book in order.
func RuleServices() []string {
	return []string{SvcKDS, SvcFirehose, SvcMSK, SvcKVS, SvcLambda, SvcFlink, SvcGlue, SvcEMR,
		SvcApp, SvcS3, SvcDynamoDB, SvcOpenSearch, SvcRedshift, SvcPricing, SvcSelect}
}

var ruleBook = sortRules(kdsRules, mskRules, kvsRules, firehoseRules, computeRules,
	destinationRules, priceRules, selectRules)

func sortRules(groups ...[]Rule) []Rule {
	out := slices.Concat(groups...)
	slices.SortFunc(out, func(a, b Rule) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Rules returns the rule book sorted by id.
func Rules() []Rule { return slices.Clone(ruleBook) }

// RuleIDs returns every rule id, sorted.
func RuleIDs() []string {
	out := make([]string, len(ruleBook))
	for i, r := range ruleBook {
		out[i] = r.ID
	}
	return out
}

// LookupRule finds a rule by id, ignoring case.
func LookupRule(id string) (Rule, bool) {
	id = strings.ToUpper(strings.TrimSpace(id))
	i, ok := slices.BinarySearchFunc(ruleBook, id, func(r Rule, id string) int { return cmp.Compare(r.ID, id) })
	if !ok {
		return Rule{}, false
	}
	return ruleBook[i], true
}

// RulePrefixes returns the first parts of the rule ids (KDS, PRICE, …), sorted.
func RulePrefixes() []string {
	var out []string
	for _, r := range ruleBook {
		p, _, _ := strings.Cut(r.ID, "-")
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

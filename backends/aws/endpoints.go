package aws

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Service is an AWS service the backend calls, named as the SDK's endpoint
// settings name it (AWS_ENDPOINT_URL_<SERVICE>, a [services] section).
type Service string

// The services the backend calls.
const (
	SvcKinesis  Service = "kinesis"
	SvcS3       Service = "s3"
	SvcDynamoDB Service = "dynamodb"
	SvcFirehose Service = "firehose"
)

// AllServices are the services, in the order messages list them.
var AllServices = []Service{SvcKinesis, SvcS3, SvcDynamoDB, SvcFirehose}

// Endpoints is where the SDK sends each service's calls: a custom base
// endpoint, or "" for AWS's own endpoint of the region.
type Endpoints map[Service]string

// ResolveEndpoints asks the SDK itself where each service's calls go with
// cfg: AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, endpoint_url and the
// [services] sections of the shared config file, and
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS are all applied as the clients apply
// them, because the answer is read from clients made from cfg (which
// calls no API and needs no credentials).
func ResolveEndpoints(cfg aws.Config) Endpoints {
	return Endpoints{
		SvcKinesis:  aws.ToString(kinesis.NewFromConfig(cfg).Options().BaseEndpoint),
		SvcS3:       aws.ToString(s3.NewFromConfig(cfg).Options().BaseEndpoint),
		SvcDynamoDB: aws.ToString(dynamodb.NewFromConfig(cfg).Options().BaseEndpoint),
		SvcFirehose: aws.ToString(firehose.NewFromConfig(cfg).Options().BaseEndpoint),
	}
}

// Local reports whether s goes somewhere other than AWS: a custom endpoint
// whose host is not an AWS one (a VPC or FIPS endpoint is still AWS).
func (e Endpoints) Local(s Service) bool {
	raw := e[s]
	if raw == "" {
		return false
	}
	u, err := url.Parse(raw)
	if err != nil {
		return true
	}
	host := strings.ToLower(u.Hostname())
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn", ".api.aws", ".c2s.ic.gov", ".sc2s.sgov.gov"} {
		if strings.HasSuffix(host, suffix) {
			return false
		}
	}
	return true
}

// Shown is where s goes, for people: the endpoint without user info, or
// "AWS".
func (e Endpoints) Shown(s Service) string {
	if e[s] == "" {
		return "AWS"
	}
	return RedactURL(e[s])
}

// RedactURL is an endpoint URL without the user name and password it may
// carry (http://user:pw@host → http://host).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an endpoint URL that does not parse)"
	}
	u.User = nil
	return u.String()
}

// AnyLocal reports whether any of the services goes somewhere other than AWS.
func (e Endpoints) AnyLocal(of []Service) bool {
	return slices.ContainsFunc(of, e.Local)
}

// Note lists the custom endpoints of the services, as " (kinesis
// http://127.0.0.1:4568, …)", or "".
func (e Endpoints) Note(of []Service) string {
	var parts []string
	for _, s := range of {
		if e[s] != "" {
			parts = append(parts, string(s)+" "+e.Shown(s))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// MixError is services of one run or cleanup that resolve to local endpoints
// and to AWS at once, which is almost always an endpoint left unset: the run
// would create, or cleanup delete, real resources next to emulated ones.
type MixError struct {
	Local, AWS []Service
	e          Endpoints
}

func (m *MixError) Error() string {
	var local []string
	for _, s := range m.Local {
		local = append(local, string(s)+" → "+m.e.Shown(s))
	}
	return fmt.Sprintf("the services would mix local endpoints and AWS: %s; but %s would go to AWS. "+
		"Set their endpoints too (AWS_ENDPOINT_URL_<SERVICE> or the config file's [services]), "+
		"or say --aws-services %s to use AWS for them on purpose",
		strings.Join(local, ", "), joinServices(m.AWS, ", "), joinServices(m.AWS, ","))
}

func joinServices(ss []Service, sep string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, sep)
}

// CheckMix refuses services that resolve partly to local endpoints and
// partly to AWS, unless every one going to AWS is in allowAWS (the user
// said so). Services that all go to AWS, or all elsewhere, are fine.
func (e Endpoints) CheckMix(used, allowAWS []Service) error {
	var local, remote []Service
	for _, s := range used {
		if e.Local(s) {
			local = append(local, s)
		} else if !slices.Contains(allowAWS, s) {
			remote = append(remote, s)
		}
	}
	if len(local) == 0 || len(remote) == 0 {
		return nil
	}
	return &MixError{Local: local, AWS: remote, e: e}
}

// ParseServices reads a --aws-services list such as "s3,dynamodb".
func ParseServices(list string) ([]Service, error) {
	var out []Service
	for _, p := range strings.Split(list, ",") {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == "" {
			continue
		}
		if !slices.Contains(AllServices, Service(p)) {
			return nil, fmt.Errorf("unknown service %q: expected some of %s", p, joinServices(AllServices, ", "))
		}
		out = append(out, Service(p))
	}
	return out, nil
}

// Services is what a plan calls: Kinesis for streams and their consumers, S3
// for buckets, DynamoDB for tables, Firehose for delivery streams.
func (p *Plan) Services() []Service {
	var out []Service
	add := func(s Service) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, r := range p.Resources {
		switch r.Kind {
		case KindStream, KindStreamConsumer:
			add(SvcKinesis)
		case KindBucket:
			add(SvcS3)
		case KindTable:
			add(SvcDynamoDB)
		case KindDeliveryStream:
			add(SvcFirehose)
		}
	}
	slices.SortFunc(out, func(a, b Service) int { return slices.Index(AllServices, a) - slices.Index(AllServices, b) })
	return out
}

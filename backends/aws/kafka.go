package aws

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// KafkaAuth is how the backend authenticates to the Kafka cluster.
type KafkaAuth string

// The MSK authentication modes.
const (
	KafkaAuthNone   KafkaAuth = "none"
	KafkaAuthSCRAM  KafkaAuth = "scram-sha-512" // MSK's SASL/SCRAM
	KafkaAuthSCRAM2 KafkaAuth = "scram-sha-256"
	KafkaAuthIAM    KafkaAuth = "iam" // MSK IAM, through OAUTHBEARER tokens from AWS's signer library
)

// KafkaOptions say how to reach the cluster that holds the topics of MSK nodes.
type KafkaOptions struct {
	Brokers []string
	Auth    KafkaAuth
	// User and Password for SCRAM. The password is never printed.
	User, Password string
	// TLS connects with TLS (MSK's SASL listeners require it).
	TLS bool
	// AWS is the configuration whose credentials and region sign IAM tokens.
	AWS aws.Config
}

// String describes the connection without secrets.
func (k KafkaOptions) String() string {
	auth := string(k.Auth)
	if auth == "" {
		auth = string(KafkaAuthNone)
	}
	s := fmt.Sprintf("%s (auth %s", strings.Join(k.Brokers, ","), auth)
	if k.User != "" {
		s += ", user " + k.User
	}
	if k.TLS {
		s += ", TLS"
	}
	return s + ")"
}

// clientOpts are the franz-go options for the cluster.
func (k KafkaOptions) clientOpts() ([]kgo.Opt, error) {
	if len(k.Brokers) == 0 {
		return nil, errors.New("no Kafka brokers")
	}
	opts := []kgo.Opt{kgo.SeedBrokers(k.Brokers...), kgo.DialTimeout(10 * time.Second)}
	if k.TLS {
		opts = append(opts, kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	switch k.Auth {
	case "", KafkaAuthNone:
	case KafkaAuthSCRAM, KafkaAuthSCRAM2:
		if k.User == "" || k.Password == "" {
			return nil, fmt.Errorf("the Kafka auth %s needs a user and a password", k.Auth)
		}
		a := scram.Auth{User: k.User, Pass: k.Password}
		if k.Auth == KafkaAuthSCRAM {
			opts = append(opts, kgo.SASL(a.AsSha512Mechanism()))
		} else {
			opts = append(opts, kgo.SASL(a.AsSha256Mechanism()))
		}
	case KafkaAuthIAM:
		cfg := k.AWS
		if cfg.Credentials == nil || cfg.Region == "" {
			return nil, errors.New("the Kafka auth iam needs AWS credentials and a region")
		}
		opts = append(opts, kgo.SASL(oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
			token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(ctx, cfg.Region, cfg.Credentials)
			if err != nil {
				return oauth.Auth{}, fmt.Errorf("MSK IAM token: %w", err)
			}
			return oauth.Auth{Token: token}, nil
		})))
	default:
		return nil, fmt.Errorf("the Kafka auth %q: expected none, scram-sha-512, scram-sha-256 or iam", k.Auth)
	}
	return opts, nil
}

// newKafkaClient connects a client with extra options.
func (k KafkaOptions) newClient(extra ...kgo.Opt) (*kgo.Client, error) {
	opts, err := k.clientOpts()
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("connect to Kafka %s: %w", k, err)
	}
	return cl, nil
}

// kafkaAdmin connects an admin client and checks the cluster answers.
func (k KafkaOptions) admin(ctx context.Context) (*kgo.Client, *kadm.Client, error) {
	cl, err := k.newClient()
	if err != nil {
		return nil, nil, err
	}
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := adm.BrokerMetadata(ctx); err != nil {
		cl.Close()
		return nil, nil, fmt.Errorf("reach Kafka %s: %w", k, err)
	}
	return cl, adm, nil
}

// kafkaReader is a client-side consumer group reading one topic.
type kafkaReader struct {
	cl    *kgo.Client
	c     *consumer
	topic string
	group string
	runID string
	m     *meter
}

func (r *kafkaReader) loop(ctx context.Context) {
	defer r.cl.Close()
	for ctx.Err() == nil {
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := r.cl.PollFetches(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		var recs []userRecord
		bytesRead := 0
		now := time.Now()
		newest := map[int32]int64{}
		fs.EachRecord(func(rec *kgo.Record) {
			p, err := decodePayload(rec.Value)
			if err != nil || p.Run != r.runID {
				return
			}
			recs = append(recs, userRecord{key: string(rec.Key), data: rec.Value, ts: p.TS, src: p.Src})
			bytesRead += len(rec.Value)
			newest[rec.Partition] = max(newest[rec.Partition], p.TS)
		})
		if len(recs) == 0 {
			r.m.clearIterAge(r.c.n.ID)
			continue
		}
		for part, ts := range newest {
			r.m.iterAge(r.c.n.ID, fmt.Sprintf("p%d", part), max(0, float64(now.UnixNano()-ts)/1e9))
		}
		r.m.readBy(r.c.n.ID, r.c.n.From, len(recs), bytesRead)
		r.c.process(ctx, recs)
	}
}

// offsetLag returns the total offset lag of a group on its topic and the
// largest per-partition lag.
func offsetLag(ctx context.Context, adm *kadm.Client, group string) (total, maxPart int64, err error) {
	lags, err := adm.Lag(ctx, group)
	if err != nil {
		return 0, 0, err
	}
	l, ok := lags[group]
	if !ok {
		return 0, 0, fmt.Errorf("no lag for group %s", group)
	}
	if e := l.Error(); e != nil {
		return 0, 0, e
	}
	for _, ml := range l.Lag.Sorted() {
		total += ml.Lag
		maxPart = max(maxPart, ml.Lag)
	}
	return total, maxPart, nil
}

// KafkaAdmin is franz-go's admin client, named here so that callers outside
// this package need not import franz-go (it stays behind the backend).
type KafkaAdmin = kadm.Client

// Admin connects an admin client (for cleanup); close the first value when done.
func (k KafkaOptions) Admin(ctx context.Context) (*kgo.Client, *kadm.Client, error) {
	return k.admin(ctx)
}

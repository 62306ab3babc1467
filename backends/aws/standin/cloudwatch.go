package standin

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cwPath is where the SDK's CloudWatch client sends GetMetricData in the
// rpcv2Cbor protocol: /service/<service shape name>/operation/<operation>.
const cwPath = "/service/GraniteServiceVersion20100801/operation/"

// CloudWatch answers GetMetricData from datapoints put in with Put, one per
// minute (or at any time), aggregating them per period as CloudWatch does:
// Sum, Average, Minimum, Maximum, SampleCount.
type CloudWatch struct {
	mu     sync.Mutex
	points map[string]map[int64]float64 // metric key → unix second → value
	// Throttle answers this many next calls with a throttling error.
	Throttle int
	// Deny answers every call with AccessDenied.
	Deny bool
	// PageSize is the most datapoints one answer holds (more come with
	// NextToken); 0 means 100,800, CloudWatch's.
	PageSize int
	calls    int
}

// Calls is how many GetMetricData calls arrived (throttled ones too).
func (c *CloudWatch) Calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls
}

// Dim is one dimension of a metric.
type Dim struct{ Name, Value string }

func metricKey(ns, name string, dims []Dim) string {
	ds := slices.Clone(dims)
	sort.Slice(ds, func(i, j int) bool { return ds[i].Name < ds[j].Name })
	var b strings.Builder
	b.WriteString(ns + "|" + name)
	for _, d := range ds {
		b.WriteString("|" + d.Name + "=" + d.Value)
	}
	return b.String()
}

// Put records a datapoint.
func (c *CloudWatch) Put(ns, name string, dims []Dim, at time.Time, v float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.points == nil {
		c.points = map[string]map[int64]float64{}
	}
	k := metricKey(ns, name, dims)
	if c.points[k] == nil {
		c.points[k] = map[int64]float64{}
	}
	c.points[k][at.Unix()] += v
}

// ServeHTTP implements http.Handler.
func (c *CloudWatch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, ok := strings.CutPrefix(r.URL.Path, cwPath)
	if r.Method != http.MethodPost || !ok || !strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor") {
		cborError(w, http.StatusNotFound, "UnknownOperationException", "", "not an rpcv2Cbor CloudWatch call: "+r.Method+" "+r.URL.Path)
		return
	}
	c.mu.Lock()
	c.calls++
	throttle, deny := c.Throttle > 0, c.Deny
	if throttle {
		c.Throttle--
	}
	c.mu.Unlock()
	switch {
	case op != "GetMetricData":
		cborError(w, http.StatusBadRequest, "UnknownOperationException", "", op+" is not served here")
	case deny:
		cborError(w, http.StatusBadRequest, "AccessDeniedException", "AccessDenied;Sender", "User: test is not authorized to perform: cloudwatch:GetMetricData")
	case throttle:
		cborError(w, http.StatusBadRequest, "ThrottlingException", "Throttling;Sender", "Rate exceeded")
	default:
		body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		if err != nil {
			cborError(w, http.StatusBadRequest, "InvalidParameterInput", "InvalidParameterInput;Sender", err.Error())
			return
		}
		out, err := c.getMetricData(body)
		if err != nil {
			cborError(w, http.StatusBadRequest, "InvalidParameterValueException", "InvalidParameterValue;Sender", err.Error())
			return
		}
		w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
		w.Header().Set("Content-Type", "application/cbor")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(cbor.Encode(out))
	}
}

// cborError answers an error as rpcv2Cbor does: a CBOR map with __type and
// message, and for a service compatible with awsQuery the query error code.
func cborError(w http.ResponseWriter, status int, typ, queryError, msg string) {
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	if queryError != "" {
		w.Header().Set("X-Amzn-Query-Error", queryError)
	}
	w.WriteHeader(status)
	_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String("com.amazonaws.cloudwatch#" + typ), "message": cbor.String(msg)}))
}

type query struct {
	id, key, stat string
	period        int64
}

func str(v cbor.Value) string {
	s, _ := v.(cbor.String)
	return string(s)
}

func (c *CloudWatch) getMetricData(body []byte) (cbor.Map, error) {
	v, err := cbor.Decode(body)
	if err != nil {
		return nil, fmt.Errorf("the body is not CBOR: %w", err)
	}
	in, ok := v.(cbor.Map)
	if !ok {
		return nil, fmt.Errorf("the body is not a CBOR map")
	}
	start, err1 := cbor.AsTime(in["StartTime"])
	end, err2 := cbor.AsTime(in["EndTime"])
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("StartTime and EndTime are required timestamps")
	}
	ascending := str(in["ScanBy"]) == "TimestampAscending"
	list, _ := in["MetricDataQueries"].(cbor.List)
	if len(list) == 0 || len(list) > 500 {
		return nil, fmt.Errorf("%d MetricDataQueries: 1..500 allowed", len(list))
	}
	var qs []query
	for _, item := range list {
		q, _ := item.(cbor.Map)
		ms, _ := q["MetricStat"].(cbor.Map)
		m, _ := ms["Metric"].(cbor.Map)
		if q == nil || ms == nil || m == nil {
			return nil, fmt.Errorf("only MetricStat queries are served")
		}
		var dims []Dim
		dl, _ := m["Dimensions"].(cbor.List)
		for _, d := range dl {
			dm, _ := d.(cbor.Map)
			dims = append(dims, Dim{str(dm["Name"]), str(dm["Value"])})
		}
		period, err := cbor.AsInt64(ms["Period"])
		if err != nil || period <= 0 || period%60 != 0 {
			return nil, errors.New("the Period must be a multiple of 60")
		}
		qs = append(qs, query{id: str(q["Id"]), key: metricKey(str(m["Namespace"]), str(m["MetricName"]), dims), stat: str(ms["Stat"]), period: period})
	}
	type point struct {
		q int
		t int64
		v float64
	}
	var all []point
	c.mu.Lock()
	for i, q := range qs {
		var buckets []int64
		agg := map[int64][]float64{}
		for t, v := range c.points[q.key] {
			if t < start.Unix() || t >= end.Unix() {
				continue
			}
			b := start.Unix() + (t-start.Unix())/q.period*q.period
			if _, ok := agg[b]; !ok {
				buckets = append(buckets, b)
			}
			agg[b] = append(agg[b], v)
		}
		slices.Sort(buckets)
		if !ascending {
			slices.Reverse(buckets)
		}
		for _, b := range buckets {
			all = append(all, point{q: i, t: b, v: statOf(q.stat, agg[b])})
		}
	}
	c.mu.Unlock()
	offset := 0
	if tok := str(in["NextToken"]); tok != "" {
		offset, err = strconv.Atoi(tok)
		if err != nil || offset < 0 || offset > len(all) {
			return nil, fmt.Errorf("invalid NextToken")
		}
	}
	page := c.PageSize
	if page <= 0 {
		page = 100_800
	}
	hi := min(len(all), offset+page)
	results := make([]cbor.Map, len(qs))
	for i, q := range qs {
		results[i] = cbor.Map{"Id": cbor.String(q.id), "Label": cbor.String(q.id), "StatusCode": cbor.String("Complete"),
			"Timestamps": cbor.List{}, "Values": cbor.List{}}
	}
	for _, p := range all[offset:hi] {
		r := results[p.q]
		r["Timestamps"] = append(r["Timestamps"].(cbor.List), &cbor.Tag{ID: 1, Value: cbor.Float64(float64(p.t))})
		r["Values"] = append(r["Values"].(cbor.List), cbor.Float64(p.v))
	}
	out := cbor.Map{"Messages": cbor.List{}}
	rl := cbor.List{}
	for _, r := range results {
		if hi < len(all) {
			r["StatusCode"] = cbor.String("PartialData")
		}
		rl = append(rl, r)
	}
	out["MetricDataResults"] = rl
	if hi < len(all) {
		out["NextToken"] = cbor.String(strconv.Itoa(hi))
	}
	return out, nil
}

func statOf(stat string, vs []float64) float64 {
	switch stat {
	case "Sum":
		var s float64
		for _, v := range vs {
			s += v
		}
		return s
	case "Minimum":
		return slices.Min(vs)
	case "Maximum":
		return slices.Max(vs)
	case "SampleCount":
		return float64(len(vs))
	}
	var s float64 // Average
	for _, v := range vs {
		s += v
	}
	return s / float64(len(vs))
}

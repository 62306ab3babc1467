package sim_test

import (
	"fmt"
	"testing"
)

// directPut is a Direct PUT Firehose in region (no region: line when ""),
// fed rate records/s of size with no retries for 10 s.
func directPut(region, rate, size string) string {
	top := ""
	if region != "" {
		top = "region: " + region + "\n"
	}
	return fmt.Sprintf(`version: 1
name: direct-put
duration: 10s
%sproducers:
  - {id: p, rate: %s, record_size: %s, retries: {max: 0}, to: [fh]}
consumers:
  - {id: fh, service: firehose, to: [lake]}
destinations:
  - {id: lake, service: s3}
`, top, rate, size)
}

// FH-DIRECT-PUT-QUOTA, bytes: 2,048 records/s of 1 KiB is 2 MiB/s (Direct
// PUT counts no partition key). us-east-1, us-west-2 and eu-west-1 take 5 MiB/s
// (0.4 used): all 20,480 records in 10 s. Other Regions take 1 MiB/s, offered
// twice over: 1,024 records/s, 10,240 in, 10,240 lost. No region is us-east-1.
func TestDirectPutBytesByRegion(t *testing.T) {
	for _, c := range []struct {
		region   string
		in, util float64
	}{
		{"", 20480, 0.4}, {"us-east-1", 20480, 0.4}, {"us-west-2", 20480, 0.4}, {"eu-west-1", 20480, 0.4},
		{"eu-central-1", 10240, 2}, {"ap-southeast-2", 10240, 2}, {"us-east-2", 10240, 2},
	} {
		_, m := runChecked(t, load(t, directPut(c.region, "2048/s", "1KiB")))
		near(t, c.region+" fh.records_in", m["fh.records_in"], c.in, 1e-6)
		near(t, c.region+" p.lost_records", m["p.lost_records"], 20480-c.in, 1e-6)
		near(t, c.region+" fh.utilization_max", m["fh.utilization_max"], c.util, 1e-9)
	}
}

// FH-DIRECT-PUT-QUOTA, records: 200,000 records/s of 1 B is far below either byte quota. The
// big Regions take 500,000 records/s (2,000 requests of 500 records would be
// 1,000,000): all 2,000,000 in 10 s. Other Regions take 100,000 records/s
// (1,000 requests of 500 would be 500,000): half.
func TestDirectPutRecordsByRegion(t *testing.T) {
	for _, c := range []struct {
		region string
		in     float64
	}{{"us-east-1", 2e6}, {"eu-west-1", 2e6}, {"sa-east-1", 1e6}} {
		_, m := runChecked(t, load(t, directPut(c.region, "200000/s", "1B")))
		near(t, c.region+" fh.records_in", m["fh.records_in"], c.in, 1e-6)
	}
}

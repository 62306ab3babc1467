package pipeline

// BrokerSpec is what the MSK sizing model needs to know about one broker type.
type BrokerSpec struct {
	Name string
	// Standard brokers: per-broker bandwidths in bytes/s for MSK-CLUSTER-THROUGHPUT.
	// EBSNet and EC2Net are EC2 baseline bandwidths (MSK-BROKER-NETWORK); Storage
	// is MSK-EBS-THROUGHPUT.
	Storage, EBSNet, EC2Net float64
	// Express brokers: MSK-EXPRESS-THROUGHPUT per broker (MB/s → bytes/s).
	Express                                  bool
	InSustained, InMax, OutSustained, OutMax float64
	MaxPartitions                            int     // MSK-BROKER-PARTITIONS
	HourPrice                                float64 // PRICE-MSK-BROKER-HOUR
}

const mbps = 1e6 / 8 // one megabit per second in bytes/s

var brokerSpecs = []BrokerSpec{
	{Name: "kafka.t3.small", Storage: MSKEBSThroughput, EBSNet: 174 * mbps, EC2Net: 128 * mbps, MaxPartitions: 300, HourPrice: 0.05},
	{Name: "kafka.m5.large", Storage: MSKEBSThroughput, EBSNet: 650 * mbps, EC2Net: 750 * mbps, MaxPartitions: 1000, HourPrice: 0.21},
	{Name: "kafka.m5.xlarge", Storage: MSKEBSThroughput, EBSNet: 1150 * mbps, EC2Net: 1250 * mbps, MaxPartitions: 1000, HourPrice: 0.42},
	{Name: "kafka.m5.2xlarge", Storage: MSKEBSThroughput, EBSNet: 2300 * mbps, EC2Net: 2500 * mbps, MaxPartitions: 2000, HourPrice: 0.84},
	{Name: "kafka.m5.4xlarge", Storage: MSKEBSThroughput, EBSNet: 4750 * mbps, EC2Net: 5000 * mbps, MaxPartitions: 4000, HourPrice: 1.68},
	{Name: "kafka.m5.8xlarge", Storage: MSKEBSThroughput, EBSNet: 6800 * mbps, EC2Net: 10000 * mbps, MaxPartitions: 4000, HourPrice: 3.36},
	{Name: "kafka.m5.12xlarge", Storage: MSKEBSThroughput, EBSNet: 9500 * mbps, EC2Net: 12000 * mbps, MaxPartitions: 4000, HourPrice: 5.04},
	{Name: "kafka.m5.16xlarge", Storage: MSKEBSThroughput, EBSNet: 13600 * mbps, EC2Net: 20000 * mbps, MaxPartitions: 4000, HourPrice: 6.72},
	{Name: "kafka.m5.24xlarge", Storage: MSKEBSThroughput, EBSNet: 19000 * mbps, EC2Net: 25000 * mbps, MaxPartitions: 4000, HourPrice: 10.08},
	{Name: "kafka.m7g.large", Storage: MSKEBSThroughput, EBSNet: 630 * mbps, EC2Net: 937 * mbps, MaxPartitions: 1000, HourPrice: 0.204},
	{Name: "kafka.m7g.xlarge", Storage: MSKEBSThroughput, EBSNet: 1250 * mbps, EC2Net: 1876 * mbps, MaxPartitions: 1000, HourPrice: 0.408},
	{Name: "kafka.m7g.2xlarge", Storage: MSKEBSThroughput, EBSNet: 2500 * mbps, EC2Net: 3750 * mbps, MaxPartitions: 2000, HourPrice: 0.816},
	{Name: "kafka.m7g.4xlarge", Storage: MSKEBSThroughput, EBSNet: 5000 * mbps, EC2Net: 7500 * mbps, MaxPartitions: 4000, HourPrice: 1.632},
	{Name: "express.m7g.large", Express: true, InSustained: 15.6e6, InMax: 23.4e6, OutSustained: 31.2e6, OutMax: 58.5e6, MaxPartitions: 1000, HourPrice: 0.408},
	{Name: "express.m7g.xlarge", Express: true, InSustained: 31.2e6, InMax: 46.8e6, OutSustained: 62.5e6, OutMax: 117e6, MaxPartitions: 1000, HourPrice: 0.816},
	{Name: "express.m7g.2xlarge", Express: true, InSustained: 62.5e6, InMax: 93.7e6, OutSustained: 125e6, OutMax: 234.2e6, MaxPartitions: 2500, HourPrice: 1.632},
	{Name: "express.m7g.4xlarge", Express: true, InSustained: 124.9e6, InMax: 187.5e6, OutSustained: 249.8e6, OutMax: 468.7e6, MaxPartitions: 6000, HourPrice: 3.264},
	{Name: "express.m7g.8xlarge", Express: true, InSustained: 250e6, InMax: 375e6, OutSustained: 500e6, OutMax: 937.5e6, MaxPartitions: 12000, HourPrice: 6.528},
	{Name: "express.m7g.12xlarge", Express: true, InSustained: 375e6, InMax: 562.5e6, OutSustained: 750e6, OutMax: 1406.2e6, MaxPartitions: 16000, HourPrice: 9.792},
	{Name: "express.m7g.16xlarge", Express: true, InSustained: 500e6, InMax: 750e6, OutSustained: 1000e6, OutMax: 1875e6, MaxPartitions: 20000, HourPrice: 13.056},
}

// BrokerTypes lists the MSK broker types the catalog accepts.
func BrokerTypes() []string {
	out := make([]string, len(brokerSpecs))
	for i, b := range brokerSpecs {
		out[i] = b.Name
	}
	return out
}

// Broker returns the spec of a broker type.
func Broker(name string) (BrokerSpec, bool) {
	for _, b := range brokerSpecs {
		if b.Name == name {
			return b, true
		}
	}
	return BrokerSpec{}, false
}

// MSKClusterThroughput is MSK-CLUSTER-THROUGHPUT: the most client ingress
// (bytes/s) a Standard cluster sustains with replication r and `groups`
// consumer groups. Express clusters use MSK-EXPRESS-THROUGHPUT's sustained rates,
// also bounded by egress = ingress × groups.
func MSKClusterThroughput(b BrokerSpec, brokers, r, groups int) float64 {
	n, rf := float64(brokers), float64(max(r, 1))
	g := float64(max(groups, 1))
	if b.Express {
		return min(b.InSustained*n, b.OutSustained*n/g)
	}
	return min(b.Storage*n/rf, b.EBSNet*n/rf, b.EC2Net*n/(g+rf-1))
}

// Package aws runs a scenario against real AWS services (or local stand-ins
// that speak the same APIs): Kinesis Data Streams, Amazon Data Firehose, S3,
// DynamoDB, and Kafka topics on an existing MSK (or any Kafka) cluster.
//
// A run has three parts:
//
//   - Plan: from a scenario, every resource the run would create, with its
//     name (streamsim-<run id>-<node>), size, tags (streamsim:run=<id>) and an
//     estimated cost per hour from the prices in pipeline/facts.go. Building a
//     plan calls no AWS API.
//   - Provision and Teardown: create the plan's resources, wait until they are
//     ready, and delete everything that was created, also after an error or a
//     cancelled context. Cleanup finds leftovers of earlier runs by tag (and by
//     name prefix where tags cannot be listed).
//   - The run itself (Backend.Start, satisfying backends.Backend): producers
//     driven from this process at the scenario's rate, key distribution and
//     record sizes; consumers read in this process (GetRecords polling per
//     shard, or enhanced fan-out with SubscribeToShard, falling back to polling
//     when the endpoint cannot serve it); live measurements become
//     pipeline.Snapshots, and the final ones a metrics map that
//     pipeline.NewReport turns into the same JSON report as the simulator's.
//
// What runs where: storage (Kinesis streams, Kafka topics), Firehose delivery
// streams (or a clearly labelled client-side stand-in), S3 buckets and
// DynamoDB tables are real resources. Compute consumers (Flink, Lambda, Glue,
// EMR, consumer applications) are not deployed: this process reads their
// source and writes their targets in their place, and says so. Redshift,
// OpenSearch and Kinesis Video Streams are not created; flows into them are
// counted as skipped.
//
// Faults: every SDK call has a deadline of its own and bounded retries
// (Deadlines); Health follows each endpoint, names one that stops answering
// within seconds (an event of the snapshots), and keeps writers from waiting
// on it. A fault during the measured part fails the run. Teardown gives each
// resource its own deadline and carries on with the rest. A run holds a
// lease on its resources (a tag, or a marker object in buckets) that cleanup
// respects. At the end, what was not delivered is lost, booked where it was,
// unless the run is kept (see losses.go).
//
// Every SDK client is used through a narrow interface (KinesisAPI, S3API, …)
// so tests can wrap a real client to inject what an emulator cannot do
// (throttling, partial failures).
//
// Where things are: backend.go starts a run and run.go is the Run;
// phases.go is its course, in order; wire.go turns the nodes into producers
// (producer.go; payload.go and keys_recorded.go make their records),
// senders (senders.go, pipe.go, sender_<service>.go; shards.go for
// aggregation) and consumers and readers (consumers.go, kafka.go,
// watcher.go); apply.go makes the timeline's and the user's changes.
// meter.go counts; snapshot.go and losses.go report. plan.go, provision.go,
// delete.go, lease.go and cleanup.go are the resources' life; clients.go,
// endpoints.go, deadlines.go, health.go and faults.go the calls. The
// importer*.go files are streamsim import, which reads a live pipeline into
// a scenario.
//
// Imports: the standard library, pipeline, backends, the AWS SDK for Go v2,
// franz-go and the MSK IAM signer. Nothing here may import ui or cmd.
package aws

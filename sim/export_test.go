package sim

import "github.com/streamsim/streamsim/pipeline"

// ShareReadsGenerally makes e's streams share their reads the general way
// (allocateReads), never through their service's one-reader pass (readOne).
func ShareReadsGenerally(e *Engine) { e.generalReads = true }

// AdmitGenerally makes e's streams admit writes through the general passes
// (offer, limits, settle), never settleBytes or settleSingle.
func AdmitGenerally(e *Engine) { e.generalAdmission = true }

// ReadEveryShard makes e work out a Kinesis reader's allowances and its
// accepted retries' sums shard by shard, and hand every refused retry to
// schedule (which counts those past the last attempt lost), never by the
// shortcuts that skip those passes when they cannot change anything.
func ReadEveryShard(e *Engine) { e.everyShard = true }

// TakeStepwise makes e's readers take through take's general loop, every
// piece through fifo.nextEntry: never its loop for queues that all hold a
// backlog, nor its shortcut for a piece of the front entry that ends a take.
func TakeStepwise(e *Engine) { e.generalTakes = true }

// QueueHandOn makes e's processors queue their reads for flush, never hand
// them straight on to their destination (processor.handOnNow).
func QueueHandOn(e *Engine) { e.queuedHandOn = true }

// Latencies is e's latency histogram.
func Latencies(e *Engine) *pipeline.Histogram { return e.lat }

// ScanFronts makes e's readers find their iterator age from every queue's
// front, never from the front their take found.
func ScanFronts(e *Engine) { e.scanFronts = true }

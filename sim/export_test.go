package sim

// ShareReadsGenerally makes e's streams share their reads the general way
// (allocateReads), never through their service's one-reader pass (readOne).
func ShareReadsGenerally(e *Engine) { e.generalReads = true }

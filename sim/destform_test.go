package sim_test

import "math"

// Closed forms for the destination table (desttable_test.go), written from
// the rule book, not from the engine. Each is a fluid queue run phase by
// phase (up, down, up again); inside a phase everything is linear, so a
// phase is split where a backlog or a bank runs out and each piece is
// solved exactly.

// bankQueue is a sender that holds what its destination refuses (an app
// or Lambda: the stream keeps the rest) in front of a destination that
// takes at most `rate` records/s. A bank lets it take more while there is
// a backlog: up to `peak` records/s (infinite: at once) until the bank is
// spent; capacity the input leaves unused, and all of it while the
// destination is down, refills the bank up to bankMax. DynamoDB's burst
// capacity is such a bank (DDB-BURST-CAPACITY: 300 s of unused WCU,
// spent no faster than the partitions allow, DDB-PARTITION-WCU), and so
// are OpenSearch's write queues (OS-WRITE-QUEUE: 10 s of indexing,
// absorbed at once).
type bankQueue struct {
	in, rate, peak, bankMax float64
	bank                    float64 // records the bank holds now
	backlog, served         float64
}

// run advances the queue T seconds with the destination up or down.
func (q *bankQueue) run(T float64, up bool) {
	if !up {
		q.backlog += q.in * T
		q.bank = min(q.bankMax, q.bank+q.rate*T)
		return
	}
	for T > 1e-9 {
		if q.backlog > 0 && q.bank > 0 && math.IsInf(q.peak, 1) {
			x := min(q.bank, q.backlog)
			q.backlog -= x
			q.bank -= x
			q.served += x
			continue
		}
		if q.backlog <= 1e-9 && q.in <= q.rate {
			q.backlog = 0
			q.served += q.in * T
			q.bank = min(q.bankMax, q.bank+(q.rate-q.in)*T)
			return
		}
		serve := q.rate
		if q.bank > 1e-9 {
			serve = q.peak
		}
		if q.backlog <= 1e-9 {
			serve = min(serve, q.in)
		}
		spend := max(0, serve-q.rate)
		dt := T
		if spend > 0 {
			dt = min(dt, q.bank/spend)
		}
		if net := serve - q.in; net > 0 {
			dt = min(dt, q.backlog/net)
		}
		q.backlog = max(0, q.backlog+(q.in-serve)*dt)
		q.bank = max(0, q.bank-spend*dt)
		q.served += serve * dt
		T -= dt
	}
}

// retryQueue is Firehose in front of a destination (FH-RETRY): Firehose
// keeps reading and flushing whatever the destination does, holds what the
// destination refuses, and gives up on records it has retried for `wait`
// seconds, writing them to the S3 backup. Records reach its output at `in`
// records/s; the destination takes at most `rate` (and a bank, as above,
// spent at once). The state is the age of the oldest record held: with a
// constant input the output holds in × age records.
type retryQueue struct {
	in, rate, wait, bankMax float64
	bank                    float64
	age, served, lost       float64
}

func (q *retryQueue) run(T float64, up bool) {
	if T <= 0 {
		return
	}
	if up && math.IsInf(q.rate, 1) { // a destination that takes everything
		q.served += q.in * (q.age + T)
		q.age = 0
		return
	}
	if !up {
		grow := min(T, max(0, q.wait-q.age))
		q.age += grow
		q.lost += q.in * (T - grow)
		q.bank = min(q.bankMax, q.bank+q.rate*T)
		return
	}
	for T > 1e-9 {
		if q.age > 1e-9 && q.bank > 0 {
			x := min(q.bank, q.in*q.age)
			q.age -= x / q.in
			q.bank -= x
			q.served += x
			continue
		}
		if q.age <= 1e-9 && q.in <= q.rate {
			q.age = 0
			q.served += q.in * T
			q.bank = min(q.bankMax, q.bank+(q.rate-q.in)*T)
			return
		}
		dt := T
		if q.age <= 1e-9 && q.bank > 0 { // input beyond the rate fills the bank first
			dt = min(T, q.bank/(q.in-q.rate))
			q.bank -= (q.in - q.rate) * dt
			q.served += q.in * dt
			T -= dt
			continue
		}
		slope := 1 - q.rate/q.in // how fast the oldest record ages
		switch {
		case slope < 0:
			dt = min(T, q.age/-slope)
			q.age = max(0, q.age+slope*dt)
		case q.age < q.wait-1e-9 && slope > 0:
			dt = min(T, (q.wait-q.age)/slope)
			q.age += slope * dt
		case slope > 0: // at the retry limit: the excess goes to the backup
			q.lost += (q.in - q.rate) * dt
		}
		q.served += q.rate * dt
		T -= dt
	}
}

// loadQueue is Redshift's load queue (RS-NODE-CAPACITY, RS-COPY-TIME):
// loads never refuse data, they run back to back at `rate` records/s and
// commit `commit` seconds after they finish. Records are taken in in the
// order they were born, `in` a second: a record taken in when x records
// have been taken was born at x ÷ in. The queue is followed through phases
// of constant intake; in each linear piece the latency is largest at an
// end, so `worst` looks at the ends only.
type loadQueue struct {
	in, rate, commit float64
	t, taken, queue  float64
	worst            float64
}

func (q *loadQueue) look() {
	lat := q.t + q.queue/q.rate + q.commit - q.taken/q.in
	q.worst = max(q.worst, lat)
}

// intake takes records at `rate` records/s for T seconds.
func (q *loadQueue) intake(T, rate float64) {
	q.look()
	for T > 1e-9 {
		dt := T
		net := rate - q.rate
		if net < 0 && q.queue > 0 {
			dt = min(dt, q.queue/-net)
		}
		q.queue = max(0, q.queue+net*dt)
		q.taken += rate * dt
		q.t += dt
		T -= dt
		q.look()
	}
}

// dump takes n records at once (a sender releasing what it held).
func (q *loadQueue) dump(n float64) {
	q.look()
	q.taken += n
	q.queue += n
	q.look()
}

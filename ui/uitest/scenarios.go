package uitest

// ShopYAML is the scenario the UI tests draw: fixed here, so that changes to
// the built-in scenarios never change a golden file of the UI.
const ShopYAML = `version: 1
name: shop
title: Orders into a lake and a table
description: |
  An order service writes into a Kinesis data stream. Firehose lands the
  orders in **S3**; a Lambda function copies them into DynamoDB.
seed: 7
duration: 2m
tick: 1s
producers:
  - id: orders
    kind: web
    rate: 2000/s
    record_size: 512B
    keys: {dist: hot, count: 1000, fraction: 0.6}
    to: [stream]
storage:
  - id: stream
    service: kinesis-data-streams
    shards: 4
consumers:
  - id: delivery
    service: firehose
    from: stream
    to: [lake]
  - id: copier
    service: lambda
    from: stream
    to: [table]
destinations:
  - id: lake
    service: s3
  - id: table
    service: dynamodb
    wcu: 3000
timeline:
  - at: 1m
    set: {orders.rate: 2500/s}
expect:
  - pipeline.lost_records == 0
  - stream.throttled_records == 0
lesson:
  steps:
    - say: One customer sends 60% of the orders, and every one of them lands on the same shard.
      at: 10s
    - say: At one minute the rate rises by a quarter.
      at: 1m
    - say: Press t and give the stream 8 shards. Does the hot shard cool down?
`

// TinyYAML is a second, smaller scenario for lists.
const TinyYAML = `version: 1
name: tiny
title: One producer, one stream, one app
duration: 1m
producers:
  - id: app
    rate: 10/s
    to: [log]
storage:
  - id: log
    service: msk-serverless
    partitions: 2
consumers:
  - id: reader
    service: app
    from: log
    to: [bucket]
destinations:
  - id: bucket
    service: s3
`

// BigYAML has a 1,000-shard stream, for the dashboard's frame-time benchmark.
const BigYAML = `version: 1
name: big-stream
duration: 1h
producers:
  - id: fleet
    rate: 500000/s
    record_size: 1KiB
    keys: {dist: zipf, count: 10000, skew: 1.1}
    to: [events]
storage:
  - id: events
    service: kinesis-data-streams
    shards: 1000
consumers:
  - id: reader
    service: app
    from: events
    instances: 200
    to: [lake]
destinations:
  - id: lake
    service: s3
`

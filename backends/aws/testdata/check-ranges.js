// Reads a dump of raw Kinesis records (one JSON object per line: shard,
// start and end of its hash key range as decimal strings, data in base64)
// and de-aggregates each with AWS's own aws-kinesis-agg package, as the KCL
// does. Prints a JSON summary: user records, and those whose partition key's
// MD5 lies outside the hash key range of the shard they were read from.
const fs = require('fs');
const crypto = require('crypto');
const agg = require(process.argv[2]);
let users = 0, outside = 0;
for (const line of fs.readFileSync(process.argv[3], 'utf8').split('\n')) {
  if (!line) continue;
  const r = JSON.parse(line);
  const start = BigInt(r.start), end = BigInt(r.end);
  const recs = [];
  agg.deaggregateSync({ data: r.data, partitionKey: r.key, sequenceNumber: r.seq }, true, (err, rs) => {
    if (err) throw err;
    recs.push(...rs);
  });
  for (const u of recs) {
    users++;
    // The KCL places a user record by its explicit hash key when it has one,
    // else by the MD5 of its partition key.
    const h = u.explicitPartitionKey !== undefined && u.explicitPartitionKey !== null
      ? BigInt(u.explicitPartitionKey)
      : BigInt('0x' + crypto.createHash('md5').update(u.partitionKey, 'utf8').digest('hex'));
    if (h < start || h > end) outside++;
  }
}
console.log(JSON.stringify({ users, outside }));

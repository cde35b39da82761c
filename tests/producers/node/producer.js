// A plain-JSON job producer (amqplib): publishes OpenAI request bodies to the suite's jobs exchange and prints every
// reply as one JSON line. Usage: node producer.js AMQP_URL JOBS_JSON [API_KEY]
// JOBS_JSON: [{"id": "...", "body": {...OpenAI request...}, "type": "chat.completions"|"completions", "priority": 0-9}]
const amqp = require('amqplib');

async function main([url, jobsJson, apiKey]) {
  const jobs = JSON.parse(jobsJson);
  const connection = await amqp.connect(url);
  const channel = await connection.createConfirmChannel();
  // The producer's own queue for results: exclusive, gone when the producer disconnects.
  const { queue: replyTo } = await channel.assertQueue('', { exclusive: true });
  const waiting = new Set(jobs.map((job) => job.id));
  const done = new Promise((resolve) => {
    channel.consume(replyTo, (message) => {
      const reply = {
        correlation_id: message.properties.correlationId,
        type: message.properties.type,
        status: message.properties.headers['x-status'],
        body: JSON.parse(message.content.toString()),
      };
      console.log(JSON.stringify(reply));
      // The last reply of a job is a completion object or an error; chunks come before it.
      if (!reply.type.endsWith('.chunk')) waiting.delete(reply.correlation_id);
      if (waiting.size === 0) resolve();
    }, { noAck: true });
  });
  for (const job of jobs) {
    channel.publish('suite-jobs-json', '', Buffer.from(JSON.stringify(job.body)), {
      messageId: job.id,
      correlationId: job.id,
      replyTo,
      type: job.type,
      priority: job.priority ?? 0,
      persistent: true,
      contentType: 'application/json',
      headers: apiKey ? { 'x-api-key': apiKey } : {},
    });
  }
  await channel.waitForConfirms();
  await done;
  await connection.close();
}

main(process.argv.slice(2)).catch((error) => { console.error(error); process.exit(1); });

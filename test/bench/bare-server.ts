/**
 * The yardstick for the HTTP benchmark: node:http answering a constant JSON body. The body is
 * given (BARE_BODY_FILE): the bench passes one of our real responses, so both servers send the
 * same bytes and the load generator's parsing cost is the same on both sides.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = process.env.BARE_BODY_FILE
  ? readFileSync(process.env.BARE_BODY_FILE, 'utf8')
  : JSON.stringify({ status: 'ok' });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`,
  );
});
process.once('SIGTERM', () => server.close());
